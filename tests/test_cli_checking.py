"""``pressdocs validate``, ``plan status``, ``report annual`` and ``rules`` as a user meets them.

The office's year in small: the city's notice imported as the plan, a unit's registration
taken in from saved mail, then the questions staff ask — where does each plan item stand
on a given day, who is overdue at year end, is this form or package in order, which rules
apply and how are they set.  Deadlines are judged on the files' own times (set with
``os.utime``) and the messages' Date headers, never the clock.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from pressdocs.cli import cli
from pressdocs.forms import write_registration_form
from rules_support import english_words, registration
from submissions import message, png, press_release_docx, qa_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
CLEAN_ENV: dict[str, str | None] = {
    "PRESSDOCS_CONFIG": None, "PRESSDOCS_HOME": None, "PRESSDOCS_LANG": None,
    "PRESSDOCS_LOAD_PLUGINS": None, "COLUMNS": "240",
}
HAN = re.compile(r"[\u4e00-\u9fff]")
SENDER = "市统计局办公室 <tjj_bgs@wuhu.gov.cn>"
ITEM_11 = "2021年一季度全市经济运行情况"

#: The catalogue of issue 5: code → default severity.
ISSUE_CATALOGUE = {
    "PD101": "error", "PD102": "error", "PD103": "error", "PD104": "warning", "PD105": "error",
    "PD201": "error", "PD202": "error", "PD203": "warning", "PD204": "error",
    "PD205": "warning", "PD206": "error", "PD207": "warning", "PD208": "warning",
    "PD301": "info", "PD302": "warning", "PD303": "warning", "PD401": "warning",
    "PD402": "error", "PD403": "warning", "PD404": "warning", "PD501": "error",
    "PD901": "error", "PD902": "error",
}


def invoke(args: Sequence[str]) -> Result:
    """``pressdocs ARGS`` in-process, as the console script runs it."""
    return CliRunner(env=CLEAN_ENV).invoke(cli, list(args), obj=None)


def run_pressdocs(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """``python -m pressdocs ARGS`` as a real process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    env["COLUMNS"] = "240"
    return subprocess.run([sys.executable, "-m", "pressdocs", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def received(path: Path, y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> Path:
    """Give ``path`` the time it "arrived" (its mtime), in Shanghai time."""
    moment = datetime(y, m, d, hh, mm, tzinfo=TZ).timestamp()
    os.utime(path, (moment, moment))
    return path


def validate_json(*paths: Path | str, lang: str | None = None) -> tuple[int, list[Any]]:
    args = ["validate", "--json", *(str(p) for p in paths)]
    if lang:
        args += ["--lang", lang]
    result = invoke(args)
    return result.exit_code, json.loads(result.stdout)


def codes(entry: dict[str, Any]) -> list[str]:
    return [f["code"] for f in entry["findings"]]


def assert_natural_chinese(text: str) -> None:
    """Chinese with no English words (file names, codes and product names aside) and no
    raw exception text."""
    assert HAN.search(text), text
    words = [w for w in english_words(text) if w not in {"Word", "Excel"}]
    assert words == [], f"English in the Chinese message: {text!r}"
    for raw in ("error", "traceback", "exception", "errno"):
        assert raw not in text.lower(), f"raw exception text in {text!r}"


def registration_mail(*, sent: datetime, when: str, position: str = "局长",
                      name: str = "登记表.docx") -> bytes:
    """市统计局's registration of plan item 11, as a mail client sends it."""
    return message(
        subject=f"【市统计局】{ITEM_11}新闻发布会登记表", sender=SENDER, date=sent,
        message_id=f"<reg-{sent:%m%d%H%M}@wuhu.gov.cn>",
        attachments=[(name, registration_docx(
            title=f"{ITEM_11}新闻发布会", unit="市统计局", when=when, name="王喆",
            position=position, filed=f"{sent.year}年{sent.month}月{sent.day}日"))])


# --- the office's store: the seed plan and one registration taken in -----------------------


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A store holding the seed's plan and 市统计局's registration of item 11 (received
    2021-04-10, conference 2021-04-15, the person in charge its 局长), and the batch's
    JSON report."""
    from conftest import SEED

    root = tmp_path_factory.mktemp("office")
    store = root / "store"
    mail = root / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(registration_mail(
        sent=datetime(2021, 4, 10, 10, 0, tzinfo=TZ), when="2021年4月15日上午9:30",
        name="新闻发布会登记表（市统计局）.docx"))
    imported = invoke(["--store", str(store), "plan", "import", str(SEED)])
    assert imported.exit_code == 0, imported.output
    batch = invoke(["--store", str(store), "batch", str(mail), "--json"])
    assert batch.exit_code == 0, batch.output
    return store, json.loads(batch.stdout)


def status_on(store: Path, day: str) -> dict[int, dict[str, Any]]:
    result = invoke(["--store", str(store), "plan", "status", "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["year"], report["as_of"]) == (2021, day)
    return {item["number"]: item for item in report["items"]}


def test_batch_takes_in_the_registration_as_plan_item_11(
        office: tuple[Path, dict[str, Any]]) -> None:
    [taken] = office[1]["messages"]
    assert (taken["status"], taken["kind"], taken["unit"], taken["plan_item"]) == (
        "accepted", "registration", "市统计局", 11)


@pytest.mark.parametrize(("day", "item_11"), [
    ("2021-04-09", "due"),  # the form had not arrived yet
    ("2021-04-12", "registered"),  # arrived, conference still to come
    ("2021-04-30", "held"),
    ("2021-05-01", "held"),
])
def test_plan_status_of_the_registered_item(office: tuple[Path, dict[str, Any]], day: str,
                                            item_11: str) -> None:
    items = status_on(office[0], day)
    assert len(items) == 74
    assert items[11]["state"] == item_11
    if item_11 == "held":
        assert items[11]["held_on"] == "2021-04-15" and items[11]["state_label"] == "已召开"


def test_a_march_item_is_due_until_the_end_of_april_and_overdue_after(
        office: tuple[Path, dict[str, Any]]) -> None:
    april_30, may_1 = status_on(office[0], "2021-04-30"), status_on(office[0], "2021-05-01")
    assert april_30[2]["units"] == ["市人社局"] and april_30[2]["month"] == 3
    assert april_30[2]["deadline"] == "2021-04-30"
    assert april_30[2]["state"] == "due"
    assert may_1[2]["state"] == "overdue" and may_1[2]["state_label"] == "逾期未登记"
    assert may_1[10]["state"] == "overdue"  # 市财政局、市农业农村局, March too
    for items in (april_30, may_1):
        december = [item for item in items.values() if item["month"] == 12]
        assert len(december) == 12
        assert {item["state"] for item in december} == {"due"}


def test_plan_status_table_in_chinese(office: tuple[Path, dict[str, Any]]) -> None:
    result = invoke(["--store", str(office[0]), "plan", "status", "--as-of", "2021-05-01"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2021年计划执行情况（截至2021年5月1日）" in out
    assert "已召开" in out and "逾期未登记" in out and "待召开" in out
    assert "按月份" in out and "按单位" in out


def test_report_annual(office: tuple[Path, dict[str, Any]]) -> None:
    result = invoke(["--store", str(office[0]), "report", "annual", "2021", "--as-of",
                     "2022-02-01", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["year"], report["as_of"], report["planned"], report["held"]) == (
        2021, "2022-02-01", 74, 1)
    overdue = [item["number"] for item in report["PD303"]]
    assert overdue == [n for n in range(1, 75) if n != 11]
    assert all(item["state"] == "overdue" for item in report["PD303"])
    units = report["PD404"]
    assert len(units) == len(set(units))
    assert "市人社局" in units and "市财政局" in units and "市农业农村局" in units
    assert "市统计局" not in units  # its 局长 answered for the conference of April 15


def test_report_annual_text(office: tuple[Path, dict[str, Any]]) -> None:
    result = invoke(["--store", str(office[0]), "report", "annual", "2021", "--as-of",
                     "2022-02-01"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2021年度新闻发布工作检查（截至2022年2月1日）" in out
    assert "计划 74 场，已召开 1 场。" in out
    heads, overdue = out.split("PD303", 1)
    assert "PD404" in heads and "  市人社局\n" in heads and "  市统计局\n" not in heads
    assert "2. 市人才一体化服务平台上线（市人社局，计划3月，最迟2021年4月30日）" in overdue


def test_reports_without_a_plan_say_to_import_one(tmp_path: Path) -> None:
    proc = run_pressdocs(["--store", str(tmp_path / "store"), "plan", "status", "--as-of",
                          "2021-05-01"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pressdocs plan import" in proc.stderr
    assert_natural_chinese(proc.stderr.replace("pressdocs plan import", ""))


# --- pressdocs validate -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A registration form filled in completely: conference 2021-04-20 9:30."""
    path = write_registration_form(tmp_path_factory.mktemp("form") / "登记表.docx",
                                   registration())
    return path.read_bytes()


def form_received(folder: Path, data: bytes, *when: int, name: str = "登记表.docx") -> Path:
    path = folder / name
    path.write_bytes(data)
    return received(path, *when)


def test_a_good_registration_passes(tmp_path: Path, form: bytes) -> None:
    path = form_received(tmp_path, form, 2021, 4, 12)
    result = invoke(["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output


@pytest.mark.parametrize(("hh", "mm", "day", "late"), [
    (23, 59, 17, False),  # exactly 3 days before, at the last minute
    (0, 0, 18, True),  # the next day at midnight
])
def test_three_days_before_boundary(tmp_path: Path, form: bytes, hh: int, mm: int, day: int,
                                    late: bool) -> None:
    path = form_received(tmp_path, form, 2021, 4, day, hh, mm)
    status, [entry] = validate_json(path)
    assert ("PD101" in codes(entry)) is late
    assert status == (1 if late else 0)


def test_a_late_registration_in_the_table_and_in_json(tmp_path: Path, form: bytes) -> None:
    path = form_received(tmp_path, form, 2021, 4, 19, 8, 30)
    table = invoke(["validate", str(path)])
    assert table.exit_code == 1
    assert "PD101" in table.output and "错误" in table.output and "登记表.docx" in table.output

    status, out = validate_json(path)
    assert status == 1
    [entry] = out
    assert {"input", "findings"} <= set(entry) and entry["input"] == str(path)
    [pd101] = [f for f in entry["findings"] if f["code"] == "PD101"]
    assert set(pd101) == {"code", "severity", "message", "location", "clause"}
    assert pd101["severity"] == "error"
    assert pd101["location"] == {"document": "登记表.docx", "field": "registration.time"}
    assert "2021年4月19日收到" in pd101["message"]["zh"] and "2021年4月17日" in pd101["message"]["zh"]
    assert "晚了2天" in pd101["message"]["zh"]
    assert_natural_chinese(pd101["message"]["zh"])


def materials_folder(root: Path, *, pictures: int = 3, paragraphs: int = 4) -> Path:
    """A materials package unpacked: 发布稿, 问答 with 2 pairs, ``pictures`` PNG pictures."""
    root.mkdir()
    (root / "发布稿.docx").write_bytes(press_release_docx("一季度全市经济运行稳中向好",
                                                         paragraphs=paragraphs))
    (root / "问答.docx").write_bytes(qa_docx(2))
    for i in range(1, pictures + 1):
        (root / f"图片{i}.png").write_bytes(png(i, size=4))
    return root


def test_a_complete_materials_package_passes(tmp_path: Path) -> None:
    status, [entry] = validate_json(materials_folder(tmp_path / "发布材料"))
    assert not {"PD202", "PD204", "PD206"} & set(codes(entry)), entry
    assert status == 0


def test_a_package_with_two_pictures(tmp_path: Path) -> None:
    status, [entry] = validate_json(materials_folder(tmp_path / "发布材料", pictures=2))
    assert status == 1
    [pd206] = [f for f in entry["findings"] if f["code"] == "PD206"]
    assert "2张" in pd206["message"]["zh"] and "3张" in pd206["message"]["zh"]
    assert_natural_chinese(pd206["message"]["zh"])


@pytest.mark.parametrize(("sent_day", "late"), [(10, False), (14, True)])
def test_a_saved_message(tmp_path: Path, sent_day: int, late: bool) -> None:
    path = tmp_path / "登记表邮件.eml"
    path.write_bytes(registration_mail(sent=datetime(2021, 4, sent_day, 10, 0, tzinfo=TZ),
                                       when="2021年4月15日上午9:30"))
    status, [entry] = validate_json(path)
    assert status == (1 if late else 0), entry
    if late:
        [pd101] = [f for f in entry["findings"] if f["code"] == "PD101"]
        assert pd101["location"]["document"] == "登记表.docx"
        assert "2021年4月14日收到" in pd101["message"]["zh"]
    else:
        assert "PD101" not in codes(entry)


def test_a_missing_path_is_pd901_and_the_real_process_says_so_plainly(tmp_path: Path) -> None:
    missing = tmp_path / "没有这个文件.docx"
    status, [entry] = validate_json(missing)
    assert status == 2  # could not check it at all
    [finding] = entry["findings"]
    assert (finding["code"], finding["severity"]) == ("PD901", "error")
    assert "没有这个文件.docx" in finding["message"]["zh"]
    assert_natural_chinese(finding["message"]["zh"])

    proc = run_pressdocs(["validate", str(missing)])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "PD901" in proc.stdout


def test_several_inputs_keep_their_order_and_a_missing_one_fails_the_run(
        tmp_path: Path, form: bytes) -> None:
    good = form_received(tmp_path, form, 2021, 4, 12)
    missing = tmp_path / "缺失.docx"
    status, out = validate_json(good, missing)
    assert [e["input"] for e in out] == [str(good), str(missing)]
    assert codes(out[0]) == [] and codes(out[1]) == ["PD901"]
    assert status == 2


def test_validate_in_english(tmp_path: Path, form: bytes) -> None:
    late = form_received(tmp_path, form, 2021, 4, 19)
    missing = tmp_path / "missing.docx"
    for args in (["validate", "--json", "--lang", "en"], ["--lang", "en", "validate", "--json"]):
        result = invoke([*args, str(late), str(missing)])
        assert result.exit_code == 2
        messages = [f["message"]["en"] for e in json.loads(result.stdout) for f in e["findings"]]
        assert len(messages) == 2
        for text in messages:
            assert not HAN.search(text.replace("登记表.docx", "")), text
        assert "late" in messages[0] and "no such file" in messages[1]
    table = invoke(["validate", "--lang", "en", str(late)])
    assert "severity" in table.output and "error" in table.output


def test_every_message_of_a_mixed_run_reads_naturally_in_chinese(
        tmp_path: Path, form: bytes) -> None:
    late = form_received(tmp_path, form, 2021, 4, 19)
    package = materials_folder(tmp_path / "发布材料", pictures=1, paragraphs=16)
    mail = tmp_path / "邮件.eml"
    mail.write_bytes(registration_mail(sent=datetime(2021, 4, 14, 10, 0, tzinfo=TZ),
                                       when="2021年4月15日上午9:30"))
    broken = form_received(tmp_path, form[: len(form) // 3], 2021, 4, 12, name="截断.docx")
    _, out = validate_json(late, package, mail, broken, tmp_path / "缺失.docx")
    found = {f["code"] for e in out for f in e["findings"]}
    assert {"PD101", "PD203", "PD206", "PD901"} <= found
    for entry in out:
        for finding in entry["findings"]:
            assert_natural_chinese(finding["message"]["zh"])


# --- configuration and the catalogue --------------------------------------------------------


@pytest.mark.parametrize(("settings", "status", "severity"), [
    ("", 0, "warning"),
    ('[rules.PD203]\nseverity = "error"\n', 1, "error"),
    ("[rules.PD203]\nenabled = false\n", 0, None),
])
def test_the_configuration_changes_what_validate_reports(
        tmp_path: Path, settings: str, status: int, severity: str | None) -> None:
    package = materials_folder(tmp_path / "发布材料", paragraphs=16)  # about 1500 字
    config = tmp_path / "c.toml"
    config.write_text(settings, encoding="utf-8")
    result = invoke(["--config", str(config), "validate", "--json", str(package)])
    assert result.exit_code == status, result.output
    [entry] = json.loads(result.stdout)
    pd203 = [f for f in entry["findings"] if f["code"] == "PD203"]
    assert [f["severity"] for f in pd203] == ([severity] if severity else [])
    if pd203:
        assert re.search(r"发布稿共\d+字，超过1200字", pd203[0]["message"]["zh"]), pd203


def test_rules_json_lists_the_whole_catalogue() -> None:
    result = invoke(["rules", "--json"])
    assert result.exit_code == 0, result.output
    catalogue = {rule["code"]: rule for rule in json.loads(result.stdout)}
    for code, severity in ISSUE_CATALOGUE.items():
        assert code in catalogue, code
        rule = catalogue[code]
        assert rule["severity"] == severity and rule["enabled"] is True, code
        assert rule["clause"] and HAN.search(rule["clause"]), code
        assert_natural_chinese(rule["title"]["zh"])


def test_rules_reflect_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[rules.PD203]\nseverity = "error"\n[rules.PD301]\nenabled = false\n',
                      encoding="utf-8")
    listed = invoke(["--config", str(config), "rules", "--json"])
    assert listed.exit_code == 0, listed.output
    catalogue = {rule["code"]: rule for rule in json.loads(listed.stdout)}
    assert (catalogue["PD203"]["severity"], catalogue["PD203"]["default_severity"]) == (
        "error", "warning")
    assert catalogue["PD301"]["enabled"] is False
    assert catalogue["PD101"] == {**catalogue["PD101"], "severity": "error", "enabled": True}
    table = invoke(["--config", str(config), "rules"])
    pd203 = next(line for line in table.output.splitlines() if "PD203" in line)
    pd301 = next(line for line in table.output.splitlines() if "PD301" in line)
    assert "错误" in pd203 and "已停用" in pd301


def test_a_broken_config_file_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[rules.PD203]\nseverity = "fatal"\n', encoding="utf-8")
    proc = run_pressdocs(["--config", str(config), "rules"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "rules.PD203.severity" in proc.stderr and "fatal" in proc.stderr
