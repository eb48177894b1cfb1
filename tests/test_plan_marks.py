"""The office's marks on plan items (pressdocs plan mark N held|delayed|cancelled|planned):
held on a day counts as held when the ledger has no conference for the item; delayed
moves its deadline to the end of the new month; cancelled is neither due nor overdue;
planned takes the mark off.  Each is one entry in the audit trail, by the account."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from cli_support import TZ, invoke, json_of
from pressdocs import Pressdocs, schemas
from submissions import message, registration_docx


@pytest.fixture
def store(tmp_path: Path, seed_path: Path) -> str:
    """A store with the 2021 plan imported (item 1 市统计局 January, item 3 市生态环境局
    March, item 11 市统计局 April)."""
    with Pressdocs(store=tmp_path / "store") as pd:
        pd.import_plan(seed_path)
    return str(tmp_path / "store")


def mark(store: str, *args: str, lang: str = "zh") -> Any:
    return invoke(["--store", store, "--lang", lang, "plan", "mark", *args, "--as", "王科长"])


def item(store: str, number: int, as_of: str) -> dict[str, Any]:
    report = json_of(["--store", store, "plan", "status", "--as-of", as_of, "--json"])
    schemas.validate("plan-status", report)
    found: dict[str, Any] = report["items"][number - 1]
    assert found["number"] == number
    return found


def reminded(store: str, as_of: str) -> set[str]:
    report = json_of(["--store", store, "remind", "--as-of", as_of, "--dry-run", "--json"])
    return {n["key"].split(":")[1] for n in report["notices"]
            if n["type"] == "remind_delayed"}


def audit(store: str) -> list[dict[str, Any]]:
    report = json_of(["--store", store, "audit", "--json"])
    schemas.validate("audit", report)
    entries: list[dict[str, Any]] = report["entries"]
    return entries


def test_held_on_a_day_makes_the_item_held_and_stops_its_reminder(store: str) -> None:
    assert item(store, 3, "2021-05-10")["state"] == "overdue"
    assert "plan-2021-3" in reminded(store, "2021-05-10")
    done = mark(store, "3", "held", "--date", "2021-03-20", "--reason", "电话登记")
    assert done.exit_code == 0, done.output
    assert done.output.startswith(
        "已将2021年计划第3项“2020年农村环境整治工作进展情况通报”标记为已召开（2021年3月20日）")
    assert "现在的状态：已召开，最迟2021年4月30日" in done.output
    held = item(store, 3, "2021-05-10")
    assert (held["state"], held["state_label"], held["held_on"]) == ("held", "已召开", "2021-03-20")
    assert held["mark"]["state"] == "held" and held["mark"]["reason"] == "电话登记"
    # kept in UTC, given at the office's offset (issue 17), as the audit trail's entry
    assert held["mark"]["marked_at"].endswith("+08:00")
    assert all(e["at"].endswith("+08:00") for e in audit(store))
    assert "plan-2021-3" not in reminded(store, "2021-05-10")
    table = invoke(["--store", store, "plan", "status", "--as-of", "2021-05-10"]).output
    assert "已召开" in table
    (entry,) = audit(store)
    assert (entry["action"], entry["actor"], entry["subject"], entry["previous"],
            entry["state"], entry["text"]) == ("plan_mark", "王科长", "plan:2021:3", "planned",
                                               "held", "电话登记")
    assert entry["data"]["held_on"] == "2021-03-20" and entry["data"]["earlier"] is None
    assert entry["action_label"] == "标记计划项"


def test_held_after_the_deadline_is_pd302(store: str) -> None:
    done = mark(store, "3", "held", "--date", "2021-05-12")
    assert done.exit_code == 0, done.output
    late = item(store, 3, "2021-06-30")
    assert (late["state"], late["state_label"]) == ("delayed", "延期超过时限")
    annual = json_of(["--store", store, "report", "annual", "2021", "--as-of", "2021-06-30",
                      "--json"])
    assert 3 in [i["number"] for i in annual["PD302"]]
    assert 3 not in [i["number"] for i in annual["PD303"]]


def test_held_cannot_be_a_day_to_come(store: str) -> None:
    done = mark(store, "3", "held", "--date", "2999-01-01")
    assert done.exit_code == 2
    assert "2021年计划第3项：召开日期2999年1月1日还没有到" in done.output
    bad = mark(store, "3", "held", "--date", "2021-13-01")
    assert bad.exit_code == 2
    assert "2021年计划第3项：“2021-13-01”不是有效的召开日期" in bad.output
    assert "Traceback" not in bad.output and audit(store) == []


def test_delayed_moves_the_deadline(store: str) -> None:
    assert item(store, 3, "2021-06-15")["state"] == "overdue"
    done = mark(store, "3", "delayed", "--month", "2021-06", "--reason", "配合全省部署")
    assert done.exit_code == 0, done.output
    assert "已将2021年计划第3项“2020年农村环境整治工作进展情况通报”延期至2021年6月，" \
           "最迟2021年6月30日召开" in done.output
    # planned for March, moved three months: beyond the notice's 一般不超过1个月, said
    assert "超出《通知》“延期一般不超过1个月”的要求" in done.stderr
    due = item(store, 3, "2021-06-15")
    assert (due["state"], due["deadline"], due["moved_to"], due["moved_label"]) == \
        ("due", "2021-06-30", "2021-06", "延期至2021年6月")
    assert item(store, 3, "2021-07-01")["state"] == "overdue"
    assert "plan-2021-3" not in reminded(store, "2021-06-15")
    assert "plan-2021-3" in reminded(store, "2021-07-01")
    table = invoke(["--store", store, "plan", "status", "--as-of", "2021-06-15"]).output
    assert "待召开（延期至2021年6月）" in table
    english = json_of(["--store", store, "--lang", "en", "plan", "status", "--as-of",
                       "2021-06-15", "--json"])["items"][2]
    assert english["moved_label"] == "moved to June 2021"
    (entry,) = audit(store)
    assert (entry["action"], entry["state"], entry["data"]["moved_to"], entry["actor"]) == \
        ("plan_mark", "delayed", "2021-06", "王科长")
    # within the notice's month: no note; M alone is that month of the plan's year
    near = mark(store, "4", "delayed", "--month", "4")
    assert near.exit_code == 0 and "超出《通知》" not in near.stderr
    assert item(store, 4, "2021-04-10")["moved_to"] == "2021-04"


def test_a_conference_in_the_new_month_is_held_in_time(store: str, tmp_path: Path) -> None:
    """Item 11 (April, deadline 5月31日) moved to July: a registration for 6月20日 is no
    PD302, and the item is held."""
    assert mark(store, "11", "delayed", "--month", "2021-07").exit_code == 0
    form = registration_docx(title="芜湖市2021年一季度全市经济运行情况新闻发布会",
                             unit="市统计局", when="2021年6月20日9:30")
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(message(subject="登记表", sender="tjj@wuhu.gov.cn",
                                         date=datetime(2021, 6, 10, 10, tzinfo=TZ),
                                         attachments=[("登记表.docx", form)]))
    with Pressdocs(store=store) as pd:
        taken = pd.batch(str(mail)).outcomes[0].submission
    assert taken.plan_item == 11
    assert "PD302" not in [f.code for f in taken.findings]
    assert item(store, 11, "2021-06-30")["state"] == "held"


def test_a_move_must_be_later_and_within_a_year(store: str) -> None:
    missing = mark(store, "6", "delayed")
    assert missing.exit_code == 2 and "将2021年计划第6项延期须写明新的月份" in missing.output
    earlier = mark(store, "6", "delayed", "--month", "2021-02")
    assert earlier.exit_code == 2
    assert "2021年计划第6项计划于3月召开，延期后的月份须晚于计划月份（填写的是2021年2月）" \
        in earlier.output
    far = mark(store, "6", "delayed", "--month", "2022-04")
    assert far.exit_code == 2 and "最多只能延期12个月" in far.output
    bad = mark(store, "6", "delayed", "--month", "下个月")
    assert bad.exit_code == 2 and "2021年计划第6项：“下个月”不是有效的月份" in bad.output
    assert audit(store) == []


def test_cancelled_as_before_and_planned_clears(store: str) -> None:
    missing = mark(store, "5", "cancelled")
    assert missing.exit_code == 2 and "取消2021年计划第5项须写明原因" in missing.output
    done = mark(store, "5", "cancelled", "--reason", "机构改革")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("已取消2021年计划第5项“") and "（原因：机构改革）" in done.output
    cancelled = item(store, 5, "2021-06-30")
    assert (cancelled["state"], cancelled["reason"]) == ("cancelled", "机构改革")
    assert "plan-2021-5" not in reminded(store, "2021-06-30")
    cleared = mark(store, "5", "planned")
    assert cleared.exit_code == 0
    assert cleared.output.startswith("已将2021年计划第5项恢复为计划（原标记：已取消）")
    assert item(store, 5, "2021-06-30")["state"] == "overdue"
    again = mark(store, "5", "planned")
    assert again.output.startswith("2021年计划第5项没有标记，仍为计划")
    entries = audit(store)
    assert [(e["action"], e["previous"], e["state"], e["actor"]) for e in entries] == [
        ("plan_cancel", "planned", "cancelled", "王科长"),
        ("plan_restore", "cancelled", "planned", "王科长")]
    # a mark replaces the earlier one, and the entry says what it was
    assert mark(store, "5", "delayed", "--month", "2021-04").exit_code == 0
    assert mark(store, "5", "held", "--date", "2021-04-20").exit_code == 0
    last = audit(store)[-1]
    assert (last["previous"], last["state"]) == ("delayed", "held")
    assert last["data"]["earlier"]["moved_to"] == "2021-04"


def test_what_cannot_be_marked_is_said_in_chinese(store: str) -> None:
    unknown = mark(store, "99", "held")
    assert unknown.exit_code == 2 and "2021年计划安排中没有第99项（共74项）" in unknown.output
    wrong = mark(store, "3", "postponed")
    assert wrong.exit_code == 2
    assert "2021年计划第3项：“postponed”不是可用的标记，可选：held、delayed、cancelled、planned" \
        in wrong.output
    english = mark(store, "3", "delayed", "--month", "2021-02", lang="en")
    assert english.exit_code == 2 and "item 3 of the 2021 plan is planned for month 3" \
        in english.output


def test_the_json_output_and_the_library(store: str) -> None:
    status = json_of(["--store", store, "plan", "mark", "7", "delayed", "--month", "2021-05",
                      "--json"])
    assert (status["number"], status["state"], status["deadline"], status["moved_to"]) == \
        (7, "overdue", "2021-05-31", "2021-05")
    with Pressdocs(store=store) as pd:
        after = pd.mark_plan_item(8, "delayed", month=(2021, 6), by="李四")
        assert after.moved_to == (2021, 6) and after.deadline == date(2021, 6, 30)
        assert after.warning is not None and "延期一般不超过1个月" in after.warning.zh
        assert after.mark is not None and after.mark.state == "delayed"
        assert pd.audit(subject="plan:2021:8")[0].actor == "李四"


def test_exports_and_the_dashboard_show_the_move(store: str, tmp_path: Path) -> None:
    import openpyxl

    assert mark(store, "3", "delayed", "--month", "2021-06").exit_code == 0
    assert mark(store, "4", "held", "--date", "2021-03-28", "--reason", "电话登记").exit_code == 0
    common = ["--store", store, "export"]
    sheet = tmp_path / "plan.xlsx"
    done = invoke([*common, "plan", "-o", str(sheet), "--as-of", "2021-06-15"])
    assert done.exit_code == 0, done.output
    cells = [str(c.value) for row in openpyxl.load_workbook(sheet).active.iter_rows()
             for c in row if c.value is not None]
    assert "待召开（延期至2021年6月）" in cells
    table = tmp_path / "plan.csv"
    assert invoke([*common, "plan", "-o", str(table), "--as-of", "2021-06-15"]).exit_code == 0
    assert "待召开（延期至2021年6月）" in table.read_text("utf-8-sig")
    board = tmp_path / "board.html"
    assert invoke([*common, "dashboard", "-o", str(board), "--as-of", "2021-06-15"]).exit_code == 0
    html = board.read_text("utf-8")
    assert "办公室标记的计划项" in html and "待召开（延期至2021年6月）" in html
    assert "2021年3月28日 电话登记" in html
