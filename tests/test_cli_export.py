"""``pressdocs export`` as the office runs it: each report to the format its file names,
CSV and JSON to stdout, and clear answers for what cannot be done.  What each exporter
writes is tested in test_exports.py and test_export_html.py; this checks the command."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cli_support import invoke
from exports_support import build_office
from pressdocs import schemas


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_office(tmp_path_factory.mktemp("cli-export"))


def run(office: Path, *args: str) -> tuple[int, str]:
    result = invoke(["--store", str(office), "export", *args])
    return result.exit_code, result.output


def test_each_report_is_written_in_the_format_its_file_names(office: Path,
                                                             tmp_path: Path) -> None:
    code, out = run(office, "stats", "--period", "2021H1", "-o", str(tmp_path / "统计表.xlsx"))
    assert code == 0 and out.strip() == f"已写入 {tmp_path / '统计表.xlsx'}"
    sheet = openpyxl.load_workbook(tmp_path / "统计表.xlsx").worksheets[0]
    assert "新闻发布会统计表" in str(sheet["A2"].value or sheet["A1"].value)

    code, _ = run(office, "plan", "--year", "2021", "--as-of", "2021-12-31", "--sheets",
                  "month", "-o", str(tmp_path / "plan"))  # no suffix: the report's own
    names = openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames
    assert code == 0 and len(names) > 1

    code, _ = run(office, "submissions", "-o", str(tmp_path / "register.csv"))
    assert code == 0 and (tmp_path / "register.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    code, _ = run(office, "dashboard", "--year", "2021", "--as-of", "2021-12-31",
                  "-o", str(tmp_path / "dashboard.html"))
    assert code == 0 and "<svg" in (tmp_path / "dashboard.html").read_text(encoding="utf-8")


def test_csv_and_json_go_to_stdout(office: Path) -> None:
    default = invoke(["--store", str(office), "export", "stats", "-o", "-"])  # JSON
    assert default.exit_code == 0, default.output
    schemas.validate("statistics-table", json.loads(default.stdout))
    result = invoke(["--store", str(office), "export", "submissions", "--format", "json",
                     "-o", "-"])
    assert result.exit_code == 0, result.output
    register = json.loads(result.stdout)
    schemas.validate("register", register)
    assert register["count"] == len(register["submissions"]) > 0
    result = invoke(["--store", str(office), "export", "plan", "--format", "csv", "-o", "-"])
    assert result.exit_code == 0 and "序号" in result.stdout


def test_a_record_is_found_by_the_first_characters_of_a_submission(office: Path,
                                                                   tmp_path: Path) -> None:
    register = json.loads(invoke(["--store", str(office), "export", "submissions",
                                  "--format", "json", "-o", "-"]).stdout)
    registration = next(s for s in register["submissions"] if s["kind"] == "registration")
    code, _ = run(office, "record", "--submission", registration["id"][:10],
                  "-o", str(tmp_path / "实录.html"))
    assert code == 0
    page = (tmp_path / "实录.html").read_text(encoding="utf-8")
    assert "新闻发布会实录" in page


@pytest.mark.parametrize(("args", "said"), [
    (["stats", "--format", "xlsx", "-o", "-"], "-o - 只能输出 CSV 或 JSON，xlsx 请写入文件"),
    (["plan", "--format", "csv", "-o", "plan.xlsx"], "输出文件 plan.xlsx 的扩展名与格式 csv 不符"),
    (["dashboard", "--format", "xlsx", "-o", "d.xlsx"], "没有能把 Dashboard 导出为 xlsx 格式的导出器"),
    (["record", "--submission", "ffffffffff", "-o", "r.html"], "没有编号为 ffffffffff 的提交"),
    (["stats", "--period", "2021上半年", "-o", "s.xlsx"], "2021上半年"),
    (["nothing", "-o", "x"], "nothing"),
])
def test_what_cannot_be_done_is_said_in_chinese(office: Path, args: list[str],
                                                said: str) -> None:
    code, out = run(office, *args)
    assert code == 2 and said in out and "Traceback" not in out


def test_english_on_request(office: Path, tmp_path: Path) -> None:
    result = invoke(["--store", str(office), "--lang", "en", "export", "stats", "--format",
                     "xlsx", "-o", "-"])
    assert result.exit_code == 2
    assert "-o - writes CSV or JSON only; write xlsx to a file" in result.output
