"""The inbox and one submission in full (pressdocs submissions list / show;
Pressdocs.submissions / submission_detail), on a store that took in the demo mailbox:
the newest first, filtered, paged; everything about one submission, in Chinese, in
English and as JSON that matches its schema; clear errors in Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from cli_support import demo_mailbox_with_plan, invoke, json_of
from pressdocs import Pressdocs, SubmissionList, schemas
from pressdocs.errors import StoreError
from pressdocs.models import SubmissionStatus


def validator(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (schemas.BASE_URI + f"{n}.json", Resource.from_contents(schemas.load(n)))
        for n in schemas.ALL_SCHEMAS)
    return Draft202012Validator(schemas.load(name), registry=registry,
                                format_checker=FormatChecker())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the city's plan that took in the demo mailbox."""
    mail, planned = demo_mailbox_with_plan(tmp_path_factory.mktemp("subs"))
    target = Path(shutil.copytree(planned, tmp_path_factory.mktemp("taken") / "store"))
    taken = invoke(["--store", str(target), "batch", str(mail)])
    assert taken.exit_code == 0, taken.output
    return target


def listed(store: Path, *args: str) -> dict[str, Any]:
    data = json_of(["--store", str(store), "submissions", "list", "--json", *args])
    validator("submissions").validate(data)
    return dict(data)


def test_the_inbox_lists_every_submission_newest_first(store: Path) -> None:
    data = listed(store)
    subs = data["submissions"]
    assert data["total"] == len(subs) == 5
    times = [s["received"] for s in subs]
    assert times == sorted(times, reverse=True)
    first = subs[0]  # 2021-04-13 16:40 Beijing time: the statistics bureau's package
    assert first["received"] == "2021-04-13T16:40:00+08:00"  # in the office's time
    assert (first["sender_name"], first["sender"]) == ("市统计局", "tjj_bgs@wuhu.gov.cn")
    assert "发布会材料" in first["subject"]
    hrss = next(s for s in subs if s["sender"] == "rsj@wuhu.gov.cn")
    assert (hrss["status"], hrss["status_label"]) == ("incomplete", "待补正")
    assert (hrss["plan_year"], hrss["plan_item"]) == (2021, 2)
    assert hrss["findings"] == 3 and hrss["errors"] == 2  # PD101, PD203 (warning), PD204

    text = invoke(["--store", str(store), "submissions", "list"])
    assert text.exit_code == 0, text.output
    assert "收件箱" in text.output and "2021年4月13日 16:40" in text.output
    assert "共 5 条，显示第 1–5 条" in text.output
    assert "3 项（错误 2）" in text.output and "待补正" in text.output


def test_the_inbox_is_filtered_and_paged(store: Path) -> None:
    incomplete = listed(store, "--status", "incomplete")["submissions"]
    assert incomplete and {s["status"] for s in incomplete} == {"incomplete"}
    # the unit as the directory knows it, whatever name is given
    bureau = listed(store, "--unit", "芜湖市统计局")
    assert bureau["total"] == 2 and {s["unit"] for s in bureau["submissions"]} == {"市统计局"}
    april = listed(store, "--month", "2021-04")
    assert april["month"] == "2021-04"
    assert [(s["plan_year"], s["plan_item"]) for s in april["submissions"]] == [(2021, 11)]
    assert listed(store, "--month", "2022-04")["total"] == 0

    everything = listed(store)["submissions"]
    page = listed(store, "--limit", "2", "--offset", "2")
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [s["id"] for s in page["submissions"]] == [s["id"] for s in everything[2:4]]
    text = invoke(["--store", str(store), "submissions", "list", "--limit", "2"])
    assert "共 5 条，显示第 1–2 条（用 --offset 2 查看后面的）" in text.output
    none = invoke(["--store", str(store), "submissions", "list", "--unit", "市教育局"])
    assert none.exit_code == 0 and "没有符合条件的提交" in none.output


def test_the_library_gives_a_typed_page(store: Path) -> None:
    with Pressdocs(store=store) as pd:
        page = pd.submissions(status=SubmissionStatus.ACCEPTED, limit=1)
    assert isinstance(page, SubmissionList)
    assert page.total >= 2 and len(page.items) == 1
    assert page.items[0].status is SubmissionStatus.ACCEPTED
    assert page.items[0].received is not None and page.items[0].received.tzinfo is not None


def test_show_tells_everything_about_one_submission(store: Path) -> None:
    hrss = next(s for s in listed(store)["submissions"] if s["sender"] == "rsj@wuhu.gov.cn")
    shown = invoke(["--store", str(store), "submissions", "show", hrss["id"][:6]])
    assert shown.exit_code == 0, shown.output
    out = shown.output
    for expected in ("市人社局 <rsj@wuhu.gov.cn>", "收到时间：2021年3月29日 17:05",
                     "计划安排：2021年第2项（3月", "登记表.docx", "发布稿.docx", "附件",
                     "全称：市人才一体化服务平台上线新闻发布会", "审批意见：同意召开。 2021年3月29日",
                     "发布稿正文 1300 字", "第 1 题答案 30 字", "PD203 [警告]",
                     "依据：提供新闻发布稿电子版(原则上不超过1200字)", "状态：待补正"):
        assert expected in out, expected

    data = json_of(["--store", str(store), "submissions", "show", hrss["id"][:6], "--json"])
    validator("submission-detail").validate(data)
    assert data["id"] == hrss["id"] and data["sender"] == "rsj@wuhu.gov.cn"
    assert data["message"]["sha256"] == hrss["id"]  # the original .eml, kept in the store
    assert data["zishu"] == {"release": 1300, "answers": [30]}
    assert {f["code"] for f in data["findings"]} == {"PD101", "PD203", "PD204"}
    assert all(f["clause"] for f in data["findings"])
    assert data["registration"]["organiser"] == "市人社局"
    assert data["plan_item"]["number"] == 2 and data["plan_item"]["cancelled"] is None
    assert {d["origin"] for d in data["documents"]} == {"attachment"}
    assert data["history"] == []


def test_show_names_the_package_a_file_came_out_of_and_the_earlier_results(
        store: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(store, tmp_path / "store"))
    package = listed(copy)["submissions"][0]  # the bureau's materials, zipped
    again = invoke(["--store", str(copy), "reprocess", "--id", package["id"][:8]])
    assert again.exit_code == 0, again.output
    data = json_of(["--store", str(copy), "submissions", "show", package["id"], "--json"])
    validator("submission-detail").validate(data)
    inside = [d for d in data["documents"] if d["origin"] == "package"]
    assert inside and all(d["container"] for d in inside)
    assert len(data["history"]) == 1 and data["history"][0]["status"] == package["status"]
    text = invoke(["--store", str(copy), "submissions", "show", package["id"]]).output
    assert f"压缩包内 {inside[0]['container']}" in text
    assert "处理记录" in text and "重新处理" in text


def test_english_on_request(store: Path) -> None:
    listing = invoke(["--store", str(store), "--lang", "en", "submissions", "list"])
    assert listing.exit_code == 0 and "received" in listing.output
    assert "5 in all, showing 1–5" in listing.output
    first = listed(store)["submissions"][-1]["id"]
    shown = invoke(["--store", str(store), "submissions", "show", first, "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    for label in ("Received: 2021-", "Unit:", "Kind:", "Status:", "Findings", "PD"):
        assert label in shown.output, label


def test_errors_are_said_in_chinese(store: Path) -> None:
    unknown = invoke(["--store", str(store), "submissions", "show", "ffff0000"])
    assert unknown.exit_code == 2
    assert "数据存储中没有编号为 ffff0000 的提交" in unknown.output
    month = invoke(["--store", str(store), "submissions", "list", "--month", "2021-13"])
    assert month.exit_code == 2 and "不是有效的月份" in month.output
    status = invoke(["--store", str(store), "submissions", "list", "--status", "done"])
    assert status.exit_code == 2 and "不在可选值之内" in status.output
    with Pressdocs(store=store) as pd, pytest.raises(StoreError, match="没有编号为"):
        pd.submission_detail("nothing")


def test_a_prefix_shared_by_two_is_refused(tmp_path: Path) -> None:
    from pressdocs.models import Submission

    with Pressdocs(store=tmp_path / "store") as pd:
        for sid in ("ab" + "0" * 62, "ab" + "1" * 62, "cd" + "0" * 62):
            pd.store.save_submission(Submission(id=sid, subject=sid[:2]))
        assert pd.submission_detail("cd").submission.id == "cd" + "0" * 62
        with pytest.raises(StoreError, match="有 2 条提交的编号以 ab 开头"):
            pd.submission_detail("ab")
        page = pd.submissions()
        assert page.total == 3 and all(s.received is None for s in page.items)


def test_a_corrected_submission_names_its_correction(tmp_path: Path) -> None:
    from pressdocs.models import Submission, SubmissionKind

    first, fix = "e1" + "0" * 62, "f2" + "0" * 62
    with Pressdocs(store=tmp_path / "store") as pd:
        pd.store.save_submission(Submission(id=first, subject="发布会材料"))
        pd.store.save_submission(Submission(id=fix, subject="发布会材料（补正）",
                                            kind=SubmissionKind.CORRECTION, corrects=first))
        assert pd.submission_detail("e1").corrected_by == [fix]
        assert pd.submissions(limit=1).items[0].corrects == first  # no time: by id, f2 first
    shown = invoke(["--store", str(tmp_path / "store"), "submissions", "show", "e1"])
    assert shown.exit_code == 0 and f"已由 {fix} 更正" in shown.output
    data = json_of(["--store", str(tmp_path / "store"), "submissions", "show", "f2", "--json"])
    validator("submission-detail").validate(data)
    assert data["corrects"] == first and data["message"] is None
