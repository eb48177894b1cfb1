"""``pressdocs parse``, ``pressdocs forms`` and ``pressdocs plan import/show`` as a user meets them.

Every file here is made by a real program (python-docx, openpyxl, pypdf, the project's own
form writers) or is the city's notice itself; damaged files are damaged the way downloads
and hostile senders damage them.  What is asserted is what the office sees: the kind of
each file, the fields read from it, and, for a file that cannot be read, one clear Chinese
sentence naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfWriter

from pressdocs.cli import cli
from pressdocs.forms import write_plan_form, write_registration_form, write_statistics_form
from pressdocs.models import Plan, PlanItem, Speaker, StatisticsReport, StatisticsRow
from rules_support import english_words, registration
from submissions import png, press_release_docx, qa_docx

#: Variables that would let the developer's own setup leak into a module-scoped fixture
#: (the per-test clean environment of conftest.py is not in force yet when those run).
CLEAN_ENV: dict[str, str | None] = {
    "PRESSDOCS_CONFIG": None, "PRESSDOCS_HOME": None, "PRESSDOCS_LANG": None,
    "PRESSDOCS_LOAD_PLUGINS": None, "COLUMNS": "240",
}
RAW_ERROR_TEXT = ("Error", "Traceback", "Exception", "errno")
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Product names Chinese text writes as they are (“Word 文档”).
PRODUCTS = {"Word", "Excel", "LibreOffice", "Office"}

STATISTICS = StatisticsReport(
    filing_unit="鸠江区人民政府", filing_date=date(2021, 6, 30), filer="王喆",
    filer_contact="0553-3831234", year=2021, rows=[
        StatisticsRow(1, date(2021, 3, 15), "2021年3月15日", "区政府三楼第一会议室", "鸠江区人民政府",
                      ["新华社安徽分社", "大江晚报"], "2021年优化营商环境工作情况新闻发布会",
                      [Speaker("张三", "党组书记、局长"), Speaker("李四", "副区长")], True, 5),
        StatisticsRow(2, date(2021, 5, 8), "2021年5月8日", "市政府新闻发布厅", "鸠江区人民政府",
                      ["大江晚报"], "《物业管理条例》政策解读", [Speaker("朱镕", "新闻发言人")],
                      False, 0),
    ])

PLAN = Plan(year=2021, title="2021年芜湖市新闻发布会计划安排", items=[
    PlanItem(1, "市政府新闻发布厅", 3, "2021年一季度“放管服”改革情况", ["市数据资源局"], 2021),
    PlanItem(2, "市企业服务中心", 9, "《优化营商环境条例》解读", ["市财政局", "市农业农村局"], 2021),
    PlanItem(3, "市公安局会议室", 12, "2021年度全市社会治安情况", ["市公安局"], 2021),
])


def invoke(args: Sequence[str]) -> Result:
    """``pressdocs ARGS`` in-process, as the console script runs it."""
    return CliRunner(env=CLEAN_ENV).invoke(cli, list(args), obj=None)


def run_pressdocs(args: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m pressdocs ARGS`` as a real process: exit code, stdout and stderr apart."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    env["COLUMNS"] = "240"
    return subprocess.run([sys.executable, "-m", "pressdocs", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def assert_natural_chinese(text: str) -> None:
    """A message as a Chinese user should read it: Chinese, no English words (file names
    and codes aside), no raw exception text."""
    assert HAN.search(text), text
    words = [w for w in english_words(text) if w not in PRODUCTS]
    assert words == [], f"English in the Chinese message: {text!r}"
    for raw in RAW_ERROR_TEXT:
        assert raw.lower() not in text.lower(), f"raw exception text in {text!r}"


def one_line(text: str) -> str:
    """Terminal output with the wrapping taken out."""
    return re.sub(r"\s*\n\s*", "", text)


# --- the files a unit sends, and the damaged ones -------------------------------------------


def huge_docx(source: bytes) -> bytes:
    """``source`` with word/document.xml inflating to 60 MB, as a zip bomb would: written
    streaming, so the test never holds the 60 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                             b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                             b"<w:body>")
                chunk = b" " * (1 << 20)
                for _ in range(60):
                    member.write(chunk)
                member.write(b"</w:body></w:document>")
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("pw")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file of these tests, by role, in one folder."""
    folder = tmp_path_factory.mktemp("documents")
    reg = write_registration_form(folder / "新闻发布会登记表（市统计局）.docx", registration())
    made = {
        "registration": reg,
        "statistics": write_statistics_form(folder / "鸠江区新闻发布会统计表.xlsx", STATISTICS),
        "release": folder / "发布稿.docx",
        "qa": folder / "答记者问.docx",
        "truncated": folder / "登记表（截断）.docx",
        "huge": folder / "登记表（超大）.docx",
        "encrypted": folder / "发布稿（加密）.pdf",
        "picture": folder / "登记表扫描件.docx",
        "empty": folder / "空白.docx",
        "missing": folder / "不存在的登记表.docx",
    }
    made["release"].write_bytes(press_release_docx("一季度全市经济运行稳中向好"))
    made["qa"].write_bytes(qa_docx(2))
    whole = reg.read_bytes()
    made["truncated"].write_bytes(whole[: len(whole) // 2])
    made["huge"].write_bytes(huge_docx(whole))
    made["encrypted"].write_bytes(encrypted_pdf())
    made["picture"].write_bytes(png(7, size=8))
    made["empty"].write_bytes(b"")
    return made


DAMAGED = ("truncated", "huge", "encrypted", "empty", "missing")
ORDER = ("registration", "statistics", "release", "qa", "picture", *DAMAGED)


@pytest.fixture(scope="module")
def parsed(files: dict[str, Path]) -> tuple[Result, dict[str, dict[str, Any]]]:
    """One ``pressdocs parse --json`` over all the files, the seed notice last."""
    from conftest import SEED

    args = [str(files[role]) for role in ORDER] + [str(SEED)]
    result = invoke(["parse", *args, "--json"])
    out = json.loads(result.stdout)
    assert [o["file"] for o in out] == args
    return result, dict(zip([*ORDER, "seed"], out, strict=True))


# --- pressdocs parse -----------------------------------------------------------------------------


def test_parse_json_is_one_array_with_an_object_per_file(
        parsed: tuple[Result, dict[str, dict[str, Any]]]) -> None:
    result, by_role = parsed
    assert result.exit_code == 2, result.output  # one of the files does not exist
    assert isinstance(json.loads(result.stdout), list)
    for role, obj in by_role.items():
        assert {"file", "kind", "confidence", "data", "warnings"} <= set(obj), role
        assert 0.0 <= obj["confidence"] <= 1.0, role
        assert isinstance(obj["warnings"], list), role


def test_parse_registration_form(parsed: tuple[Result, dict[str, dict[str, Any]]]) -> None:
    reg = parsed[1]["registration"]
    assert reg["kind"] == "registration" and reg["confidence"] >= 0.5
    assert reg["warnings"] == []
    data = reg["data"]
    assert data["title"] == "2021年一季度全市经济运行情况新闻发布会"
    assert data["organiser"] == "市统计局"
    assert data["person_in_charge"] == {"name": "王喆", "phone": "13905531234",
                                        "position": "办公室主任"}
    assert data["time"] == "2021-04-20T09:30:00+08:00"
    assert data["venue"] == "市政府新闻发布厅"
    assert data["media"] == ["芜湖日报社", "市广播电视台"]
    assert data["guests"] == ["市政府分管副秘书长"]
    assert data["approval_opinion"] == "同意召开"
    assert data["approval_date"] == "2021-04-12"
    assert data["filing_unit"] == "市统计局" and data["filing_date"] == "2021-04-12"


def test_parse_statistics_xlsx(parsed: tuple[Result, dict[str, dict[str, Any]]]) -> None:
    stats = parsed[1]["statistics"]
    assert stats["kind"] == "statistics" and stats["warnings"] == []
    data = stats["data"]
    assert (data["filing_unit"], data["filing_date"], data["filer"]) == (
        "鸠江区人民政府", "2021-06-30", "王喆")
    assert data["filer_contact"] == "0553-3831234"
    first, second = data["rows"]
    assert first["held_on"] == "2021-03-15" and first["venue"] == "区政府三楼第一会议室"
    assert first["speakers"] == [{"name": "张三", "position": "党组书记、局长"},
                                 {"name": "李四", "position": "副区长"}]
    assert (first["questions_allowed"], first["question_count"]) == (True, 5)
    assert second["topic"] == "《物业管理条例》政策解读"
    assert (second["questions_allowed"], second["question_count"]) == (False, 0)


def test_parse_press_release_and_qa(parsed: tuple[Result, dict[str, dict[str, Any]]]) -> None:
    release, qa = parsed[1]["release"], parsed[1]["qa"]
    assert release["kind"] == "press_release"
    assert release["data"]["title"] == "一季度全市经济运行稳中向好"
    assert release["data"]["body"].startswith("今年以来，全市上下坚持稳中求进工作总基调")
    assert "一季度全市经济运行稳中向好" not in release["data"]["body"]
    assert qa["kind"] == "qa"
    assert [p["question"] for p in qa["data"]] == ["今年一季度全市经济运行有哪些特点？"] * 2
    assert all(p["answer"].startswith("总体呈现稳中有进") for p in qa["data"])


def test_parse_the_seed_notice_as_the_plan(parsed: tuple[Result, dict[str, dict[str, Any]]]) -> None:
    seed = parsed[1]["seed"]
    assert seed["kind"] == "plan"
    assert seed["data"]["year"] == 2021 and len(seed["data"]["items"]) == 74


def test_a_picture_named_docx_is_said_to_be_a_picture_not_an_error(
        parsed: tuple[Result, dict[str, dict[str, Any]]], files: dict[str, Path]) -> None:
    picture = parsed[1]["picture"]
    assert picture["kind"] == "picture" and picture["data"] is None
    assert picture.get("error") is None
    # read by its content, and the name's promise is said to be wrong (PD905 in validate)
    assert picture["warnings"] == [
        "登记表扫描件.docx 实际是PNG 图片，与扩展名“.docx”不符；已按实际内容读取"]
    shown = invoke(["parse", str(files["picture"])])
    assert shown.exit_code == 0
    assert "图片" in shown.output and "登记表扫描件.docx" in shown.output
    assert "实际是PNG 图片" in one_line(shown.output)


#: The problem each damaged file must be named for, in the words the user reads.
PROBLEMS = {
    "truncated": "文件已损坏或不完整",
    "huge": "文档内容过大",
    "encrypted": "加密",
    "empty": "文件是空的",
    "missing": "找不到|不存在|无法打开",
}


@pytest.mark.parametrize("role", DAMAGED)
def test_damaged_file_is_a_clear_chinese_message_naming_it(
        parsed: tuple[Result, dict[str, dict[str, Any]]], files: dict[str, Path],
        role: str) -> None:
    obj = parsed[1][role]
    assert obj["kind"] not in ("registration", "press_release", "qa", "statistics", "plan")
    assert obj["data"] is None
    message = obj["warnings"][0]
    assert message.startswith(files[role].name) or message.startswith(str(files[role]))
    assert re.search(PROBLEMS[role], message), message
    assert_natural_chinese(message.split("：", 1)[1])


def test_damaged_files_in_the_terminal_through_the_real_process(files: dict[str, Path]) -> None:
    """The command reports each file with its problem, no traceback on either stream;
    damaged files are read (exit 0), a file that is not there is an input error (exit 2)."""
    readable = [role for role in DAMAGED if role != "missing"]
    proc = run_pressdocs(["parse", *(str(files[role]) for role in readable)])
    assert proc.returncode == 0, proc.stderr
    assert run_pressdocs(["parse", str(files["missing"])]).returncode == 2
    proc = run_pressdocs(["parse", *(str(files[role]) for role in DAMAGED)])
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    out = one_line(proc.stdout)
    for role in DAMAGED:
        assert files[role].name in out, role
        assert re.search(PROBLEMS[role], out), role


def test_parse_in_english(files: dict[str, Path]) -> None:
    result = invoke(["--lang", "en", "parse", "--json", *(str(files[r]) for r in DAMAGED)])
    assert result.exit_code == 2, result.output  # the missing file
    out = {role: obj for role, obj in zip(DAMAGED, json.loads(result.stdout), strict=True)}
    expected = {"truncated": "damaged", "huge": "too large", "encrypted": "encrypted",
                "empty": "empty", "missing": "cannot open|no such file|not found|does not exist"}
    for role, words in expected.items():
        message = out[role]["warnings"][0]
        sentence = message.replace(str(files[role]), "").replace(files[role].name, "")
        assert re.search(words, sentence, re.IGNORECASE), message
        assert not HAN.search(sentence), message


# --- pressdocs forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "name", "kind", "title"), [
    ("registration", "登记表.docx", "registration", "登记表（附件2）"),
    ("statistics", "统计表.docx", "statistics", "统计表（附件3）"),
    ("statistics", "统计表.xlsx", "statistics", "统计表（附件3）"),
    ("plan", "计划安排.docx", "plan", "计划安排（附件1）"),
    ("plan", "计划安排.xlsx", "plan", "计划安排（附件1）"),
])
def test_blank_form_is_written_and_parse_reads_it_back_as_its_kind(
        tmp_path: Path, form: str, name: str, kind: str, title: str) -> None:
    target = tmp_path / name
    written = invoke(["forms", form, "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert f"已生成空白{title}" in written.output and target.stat().st_size > 0
    [read] = json.loads(invoke(["parse", "--json", str(target)]).stdout)
    assert read["kind"] == kind, read
    for warning in read["warnings"]:
        assert_natural_chinese(warning)


def test_blank_plan_form_with_its_year_reads_back_as_an_empty_plan(tmp_path: Path) -> None:
    target = tmp_path / "计划安排.xlsx"
    assert invoke(["forms", "plan", "--year", "2022", "-o", str(target)]).exit_code == 0
    [read] = json.loads(invoke(["parse", "--json", str(target)]).stdout)
    assert read["kind"] == "plan" and read["warnings"] == []
    assert (read["data"]["year"], read["data"]["items"]) == (2022, [])


def test_forms_refuses_a_format_it_cannot_write(tmp_path: Path) -> None:
    proc = run_pressdocs(["forms", "registration", "-o", str(tmp_path / "登记表.xlsx")])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "登记表.xlsx" in proc.stderr and "不支持的文件格式" in proc.stderr
    assert ".docx" in proc.stderr
    assert not (tmp_path / "登记表.xlsx").exists()


# --- pressdocs plan import / show ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The seed imported once by the real process, and how long it took."""
    from conftest import SEED

    store = tmp_path_factory.mktemp("seed") / "store"
    start = time.monotonic()
    try:
        proc = run_pressdocs(["--store", str(store), "plan", "import", str(SEED)], timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("pressdocs plan import of the seed notice took over 30 s (hung?)")
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert "已导入 2021 年计划安排：共 74 项" in proc.stdout
    return store, took


def test_seed_import_is_quick(seed_store: tuple[Path, float]) -> None:
    assert seed_store[1] < 30


def test_seed_plan_show_json(seed_store: tuple[Path, float]) -> None:
    result = invoke(["--store", str(seed_store[0]), "plan", "show", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["year"] == 2021
    items = {item["number"]: item for item in plan["items"]}
    assert sorted(items) == list(range(1, 75))
    assert items[10]["units"] == ["市财政局", "市农业农村局"]
    assert items[40]["month"] == 9
    assert "科技创新发展规划解读" in items[50]["topic"]
    assert items[11] == {"number": 11, "venue": "市政府新闻发布厅", "month": 4,
                         "topic": "2021年一季度全市经济运行情况", "units": ["市统计局"],
                         "year": 2021}


def test_seed_plan_show_table(seed_store: tuple[Path, float]) -> None:
    result = invoke(["--store", str(seed_store[0]), "plan", "show"])
    assert result.exit_code == 0, result.output
    assert "2021年新闻发布会计划安排（74项）" in result.output
    assert "市财政局、市农业农村局" in result.output and "9月" in result.output


def _plan_csv(path: Path, encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["序号", "地点", "时间", "发布主题", "责任单位"])
        for item in PLAN.items:
            writer.writerow([item.number, item.venue, f"{item.month}月", item.topic,
                             "、".join(item.units)])
    return path


@pytest.mark.parametrize("name", ["计划安排.docx", "计划安排.xlsx", "2021年计划安排.csv",
                                  "2021年计划安排（Excel另存）.csv"])
def test_plan_import_of_a_filled_form_or_csv(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        # Excel on Chinese Windows saves CSV as GBK; elsewhere UTF-8 with a BOM.
        _plan_csv(path, "gbk" if "Excel" in name else "utf-8-sig")
    else:
        write_plan_form(path, PLAN)
    store = tmp_path / "store"
    imported = invoke(["--store", str(store), "plan", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "已导入 2021 年计划安排：共 3 项" in imported.output
    shown = json.loads(invoke(["--store", str(store), "plan", "show", "--json"]).stdout)
    assert shown["year"] == 2021
    assert shown["items"] == [item.to_dict() for item in PLAN.items]


def test_plan_import_of_a_csv_without_a_year_asks_for_one(tmp_path: Path) -> None:
    path = _plan_csv(tmp_path / "计划.csv", "utf-8")
    store = tmp_path / "store"
    refused = invoke(["--store", str(store), "plan", "import", str(path)])
    assert refused.exit_code == 2
    assert "计划.csv" in refused.output and "年份" in refused.output
    assert "Traceback" not in refused.output
    accepted = invoke(["--store", str(store), "plan", "import", str(path), "--year", "2022"])
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(invoke(["--store", str(store), "plan", "show", "--json"]).stdout)[
        "year"] == 2022


def test_plan_show_without_an_import_says_to_import(tmp_path: Path) -> None:
    proc = run_pressdocs(["--store", str(tmp_path / "store"), "plan", "show"])
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert "计划安排" in proc.stderr and "pressdocs plan import" in proc.stderr
    assert_natural_chinese(proc.stderr.replace("pressdocs plan import", ""))


def test_plan_show_of_a_year_not_imported(seed_store: tuple[Path, float]) -> None:
    result = invoke(["--store", str(seed_store[0]), "plan", "show", "--year", "2022"])
    assert result.exit_code == 2
    assert "pressdocs plan import" in result.output


def test_plan_import_of_a_missing_file_names_it_in_chinese(tmp_path: Path) -> None:
    proc = run_pressdocs(["--store", str(tmp_path / "store"), "plan", "import",
                          str(tmp_path / "2021年计划安排.docx")])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "2021年计划安排.docx" in proc.stderr
    assert re.search(PROBLEMS["missing"], proc.stderr), proc.stderr
    assert_natural_chinese(proc.stderr.replace(str(tmp_path), ""))
