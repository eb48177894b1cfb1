"""``pressdocs validate`` on a folder judges exactly as ``pressdocs batch`` on the same files
sent as one message.

Staff check a unit's files before they arrive by mail, or after, from a saved folder; the
answer must not depend on the way in.  The same files — a registration form, a press
release, the Q&A and three pictures — are checked as a folder (their modification time is
the time received) and taken in as one .eml message (its Date header the same moment),
against the same store: the city's plan imported, and then also 市统计局's earlier
registration of the same conference, so that the plan and correction rules have
something to see.  Codes, severities, messages in both languages, locations, unit, plan
item, kind and status are the same.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cli_support import invoke
from conftest import SEED
from submissions import message, png, press_release_docx, qa_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
ITEM_11 = "2021年一季度全市经济运行情况"
SENDER = "市统计局办公室 <tjj_bgs@wuhu.gov.cn>"


def _files(*, when: str, filed: str, pictures: int = 3,
           paragraphs: int = 4) -> list[tuple[str, bytes]]:
    """What 市统计局 sends for its briefing: the form, the release, the Q&A, pictures."""
    files = [
        ("登记表.docx", registration_docx(title=f"{ITEM_11}新闻发布会", unit="市统计局",
                                          when=when, filed=filed)),
        ("发布稿.docx", press_release_docx("一季度全市经济运行稳中向好", paragraphs=paragraphs)),
        ("问答.docx", qa_docx(2)),
    ]
    files += [(f"图片{i}.png", png(i, size=4)) for i in range(1, pictures + 1)]
    return files


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the city's plan, imported from the notice with the CLI."""
    store = tmp_path_factory.mktemp("planned") / "store"
    imported = invoke(["--store", str(store), "plan", "import", str(SEED)])
    assert imported.exit_code == 0, imported.output
    return store


@pytest.fixture(scope="module")
def registered(planned: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The planned store with 市统计局's first registration of the briefing taken in
    (received 2021-04-08, conference 2021-04-15); and that submission's id."""
    root = tmp_path_factory.mktemp("registered")
    store = Path(shutil.copytree(planned, root / "store"))
    mail = root / "mail"
    mail.mkdir()
    sent = datetime(2021, 4, 8, 9, 0, tzinfo=TZ)
    (mail / "first.eml").write_bytes(message(
        subject=f"【市统计局】{ITEM_11}新闻发布会登记表", sender=SENDER, date=sent,
        message_id="<first@wuhu.gov.cn>",
        attachments=_files(when="2021年4月15日上午9:30", filed="2021年4月8日")[:1]))
    taken = invoke(["--store", str(store), "batch", str(mail), "--json"])
    assert taken.exit_code == 0, taken.output
    [first] = json.loads(taken.stdout)["messages"]
    assert (first["status"], first["unit"], first["plan_item"]) == ("accepted", "市统计局", 11)
    return store, first["submission_id"]


def _both_ways(store: Path, root: Path, files: list[tuple[str, bytes]],
               sent: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same files checked as a folder (validate) and taken in as one message (batch),
    against ``store``; the two JSON entries."""
    folder = root / "材料"
    folder.mkdir()
    moment = sent.timestamp()
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        os.utime(path, (moment, moment))
    mail = root / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(message(
        subject=f"【市统计局】{ITEM_11}新闻发布会登记表及材料", sender=SENDER, date=sent,
        message_id="<both@wuhu.gov.cn>", attachments=files))

    checked = invoke(["--store", str(store), "validate", "--json", str(folder)])
    assert checked.exit_code in (0, 1), checked.output
    [as_folder] = json.loads(checked.stdout)
    taken = invoke(["--store", str(store), "batch", str(mail), "--json"])
    assert taken.exit_code == 0, taken.output
    [as_message] = json.loads(taken.stdout)["messages"]
    assert as_message["received"] == sent.isoformat()
    return as_folder, as_message


def _assert_same(as_folder: dict[str, Any], as_message: dict[str, Any]) -> None:
    for key in ("kind", "unit", "plan_year", "plan_item", "status", "status_label"):
        assert as_folder[key] == as_message[key], key
    # codes, severities, messages (key, zh, en, params), locations, clauses: all of it
    assert as_folder["findings"] == as_message["findings"]


@pytest.mark.parametrize("case", ["complete", "short"])
def test_a_folder_and_a_message_against_the_plan(planned: Path, tmp_path: Path,
                                                 case: str) -> None:
    store = Path(shutil.copytree(planned, tmp_path / "store"))
    sent = datetime(2021, 4, 12, 10, 0, tzinfo=TZ)
    files = _files(when="2021年4月15日上午9:30", filed="2021年4月12日") if case == "complete" \
        else _files(when="2021年4月14日上午9:30", filed="2021年4月12日", pictures=2,
                    paragraphs=16)
    as_folder, as_message = _both_ways(store, tmp_path, files, sent)
    _assert_same(as_folder, as_message)
    assert (as_message["unit"], as_message["plan_year"], as_message["plan_item"]) == (
        "市统计局", 2021, 11)
    assert as_message["kind"] == "registration_and_materials"
    found = {f["code"] for f in as_message["findings"]}
    if case == "complete":
        assert as_message["status"] == "accepted"
        assert not found & {"PD101", "PD203", "PD206", "PD301"}
    else:  # two days' notice, a long release, two pictures
        assert {"PD101", "PD203", "PD206"} <= found
        assert as_message["status"] == "incomplete"


def test_a_folder_and_a_message_that_resend_a_registration(
        registered: tuple[Path, str], tmp_path: Path) -> None:
    store, first_id = registered
    store = Path(shutil.copytree(store, tmp_path / "store"))
    sent = datetime(2021, 4, 12, 10, 0, tzinfo=TZ)
    files = _files(when="2021年4月16日上午9:30", filed="2021年4月12日")  # moved a day
    as_folder, as_message = _both_ways(store, tmp_path, files, sent)
    _assert_same(as_folder, as_message)
    assert as_folder["kind"] == as_message["kind"] == "correction"
    assert as_message["corrects"] == first_id
    assert (as_message["unit"], as_message["plan_item"]) == ("市统计局", 11)
    # the plan rules judged both against the ledger: 市统计局's January item is overdue
    assert [f["code"] for f in as_folder["findings"]] == ["PD303"]

