"""Every script in examples/ runs as a user runs it — ``python examples/NAME.py ARGS`` in a
folder of their own — and shows what its docstring promises: the lines printed, the files
written, the findings of a plugin's rule."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cli_support import EXAMPLES, run_pressdocs
from submissions import qa_docx


def run_example(name: str, *args: str, cwd: Path,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python examples/NAME.py ARGS`` in ``cwd``, with no PRESSDOCS_* from outside."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=environ)


def ok(done: subprocess.CompletedProcess[str], code: int = 0) -> list[str]:
    """The lines printed, after checking the exit code and that nothing went wrong."""
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


def test_every_example_is_listed_in_the_readme_and_run_here() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    here = Path(__file__).read_text(encoding="utf-8")
    for script in sorted(EXAMPLES.glob("*.py")):
        assert f"`{script.name}`" in readme, script.name
        if script.stem != "demo_mailbox":  # run by every script that writes the demo mailbox
            assert f'run_example("{script.stem}"' in here, script.name
        docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
        assert docstring and f"examples/{script.name}" in docstring, \
            f"{script.name}: the docstring says how to run it"


# --- the office's jobs ----------------------------------------------------------------------


def test_process_mailbox_prints_each_message_and_what_is_missing(tmp_path: Path) -> None:
    lines = ok(run_example("process_mailbox", cwd=tmp_path))
    out = "\n".join(lines)
    assert (tmp_path / "demo-mail" / "01-统计局登记表.eml").is_file()  # written for the user
    assert (tmp_path / "example-data").is_dir()
    assert "2021年4月9日 10:12  市统计局  【市统计局】2021年一季度全市经济运行情况新闻发布会登记表" in out
    assert "    已受理，计划第11项" in lines
    assert "    待补正，计划第2项" in lines  # 市人社局
    assert any(line.startswith("    PD101 错误：登记表2021年3月29日收到") for line in lines)
    assert any(line.startswith("    PD206 错误：") for line in lines)  # two pictures of three
    assert lines[-1] == "共 5 封，新收 5 封：已受理 2，待补正 2，无关邮件 1"
    again = ok(run_example("process_mailbox", "demo-mail", cwd=tmp_path))
    assert again[-1] == "共 5 封，新收 0 封：重复 5"  # each message is taken in once


def test_check_folder_checks_a_saved_mails_attachments(tmp_path: Path) -> None:
    lines = ok(run_example("check_folder", cwd=tmp_path), code=1)  # errors: exit 1
    assert lines[0] == "sample-materials：6 个文件，待补正"
    assert "    登记表.docx：登记表" in lines and "    问答.docx：问答" in lines
    codes = [line.split()[0] for line in lines if line.startswith("PD")]
    assert codes == ["PD101", "PD203", "PD204"]
    assert "    《通知》：发布会召开前3天报送市新闻办" in lines
    assert not (tmp_path / "pressdocs-data").exists()  # checking writes nothing

    # the user's own folder: the answers completed, the form registered on time
    folder = tmp_path / "sample-materials"
    (folder / "问答.docx").write_bytes(qa_docx(2))
    (folder / "登记表.docx").unlink()
    lines = ok(run_example("check_folder", str(folder), cwd=tmp_path), code=0)
    assert [line for line in lines if line.startswith("PD")] == [
        "PD203 警告：发布稿共1300字，超过1200字（原则上不超过1200字）"]


def test_plan_status_on_a_day(tmp_path: Path) -> None:
    lines = ok(run_example("plan_status", cwd=tmp_path))
    assert lines[0] == "2021年计划安排：74项"
    assert lines[1].startswith("  PD501 计划安排的标题疑似被植入赌博广告")  # the scraped page's spam
    assert "截至2021年6月30日：" in lines
    assert "  1.  1月 市统计局：2020年全市经济运行情况 —— 逾期未登记" in lines
    assert lines[-1] == "合计：逾期未登记 11项，待召开 63项"


def test_the_office_scripts_share_a_store(tmp_path: Path) -> None:
    """Take in the mailbox, then the plan's status and the statistics table come from it."""
    ok(run_example("process_mailbox", "--store", "office", cwd=tmp_path))
    lines = ok(run_example("plan_status", "--store", "office", "--day", "2021-04-20",
                           cwd=tmp_path))
    assert "  2.  3月 市人社局：市人才一体化服务平台上线 —— 已召开（2021年3月31日召开）" in lines
    assert " 11.  4月 市统计局：2021年一季度全市经济运行情况 —— 已召开（2021年4月15日召开）" in lines
    assert lines[-1] == "合计：逾期未登记 1项，已召开 2项，待召开 71项"

    lines = ok(run_example("export_statistics", "--store", "office", "-o", "上半年.xlsx",
                           cwd=tmp_path))
    assert lines[0] == "已导出 上半年.xlsx：2 个单位的统计表"
    assert "  市统计局：1场，未报送统计表，按登记表汇总" in lines
    book = openpyxl.load_workbook(tmp_path / "上半年.xlsx")
    assert book.sheetnames == ["市人社局", "市统计局", "核对"]
    rows = [row for row in book["市统计局"].iter_rows(values_only=True) if row[0] == 1]
    assert rows == [(1, "2021年4月15日", "市政府新闻发布厅", "市统计局",
                     "芜湖日报、大江晚报、芜湖广播电视台", "2021年一季度全市经济运行情况新闻发布会",
                     None, None)]


def test_export_statistics_runs_on_its_own(tmp_path: Path) -> None:
    lines = ok(run_example("export_statistics", cwd=tmp_path))
    assert lines[0] == "已导出 统计表.xlsx：2 个单位的统计表"
    assert "    核对：已登记2021年3月31日召开，本单位未报送本期统计表" in lines
    assert openpyxl.load_workbook(tmp_path / "统计表.xlsx").sheetnames[-1] == "核对"


def test_library_use_hands_plain_data_to_another_system(tmp_path: Path) -> None:
    result = json.loads("\n".join(ok(run_example("library_use", "-o", "plan.json",
                                                 cwd=tmp_path))))
    read = result["read"]
    assert (read["file"], read["kind"], read["error"]) == ("登记表.docx", "registration", None)
    assert read["data"]["organiser"] == "市人社局"
    assert read["data"]["time"] == "2021-03-31T15:00:00+08:00"
    check = result["check"]
    assert (check["status"], check["unit"]) == ("incomplete", "市人社局")
    assert [f["code"] for f in check["findings"]] == ["PD101", "PD203", "PD204"]
    assert all(f["message"]["zh"] and f["message"]["en"] for f in check["findings"])
    assert result["exported"] == "plan.json"
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert plan["as_of"] == "2021-06-30" and len(plan["items"]) == 74


# --- plugins ----------------------------------------------------------------------------------


def test_the_validator_plugin_adds_its_rule(tmp_path: Path) -> None:
    lines = ok(run_example("weekend_plugin", cwd=tmp_path))
    assert lines == ["WH301 警告：发布会定于2021年4月17日召开，当天是休息日（周末或法定节假日），请确认",
                     "weekend-registration.docx：已受理"]
    form = tmp_path / "weekend-registration.docx"

    # the same file as a one-off plugin of the command line, and configured like a built-in
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    shutil.copy(EXAMPLES / "weekend_plugin.py", plugins)
    found = run_pressdocs(["--plugins-dir", str(plugins), "validate", "--json", str(form)])
    assert found.returncode == 0, found.stderr
    [entry] = json.loads(found.stdout)
    [finding] = entry["findings"]
    assert (finding["code"], finding["severity"], finding["message"]["key"]) == (
        "WH301", "warning", "wh.day_off")
    assert finding["location"] == {"document": "weekend-registration.docx",
                                   "field": "registration.time"}
    config = tmp_path / "pressdocs.toml"
    config.write_text('[rules.WH301]\nseverity = "error"\n', encoding="utf-8")
    strict = run_pressdocs(["--plugins-dir", str(plugins), "--config", str(config), "validate",
                            str(form)])
    assert strict.returncode == 1 and "WH301" in strict.stdout  # now an error: exit 1

    # by the official calendar: Sunday 2021年4月25日 was a working day (调休), Monday
    # 2021年5月3日 a holiday (劳动节), Monday 2021年4月19日 an ordinary working day
    probe = ("import weekend_plugin; from datetime import date\n"
             "print(weekend_plugin.day_off(date(2021, 4, 25)), "
             "weekend_plugin.day_off(date(2021, 5, 3)), weekend_plugin.day_off(date(2021, 4, 19)))")
    days = subprocess.run([sys.executable, "-c", probe], cwd=EXAMPLES, capture_output=True,
                          text=True, check=True)
    assert days.stdout.split() == ["False", "True", "False"]


def test_the_channel_plugin_sends_each_receipt(tmp_path: Path) -> None:
    lines = ok(run_example("outbox_plugin", cwd=tmp_path))
    sent = [line for line in lines if line.startswith("已发送（memory #")]
    assert len(sent) == 4  # a receipt per submission; none for the advertisement
    assert "rsj@wuhu.gov.cn《【市新闻办】回执：市人社局新闻发布会材料（待补正）》" in sent[2]
    assert all("from 市新闻办值班室" in line for line in sent)  # its [plugins.…] setting
    assert lines[-1] == "通道 memory 收到 4 条通知，NoticeSent 事件 4 次"


def test_the_exporter_plugin_writes_markdown(tmp_path: Path) -> None:
    lines = ok(run_example("plan_markdown_plugin", "-o", "计划.md", "--day", "2021-06-30",
                           cwd=tmp_path))
    assert lines == ["已导出 计划.md"]
    page = (tmp_path / "计划.md").read_text(encoding="utf-8").splitlines()
    assert page[:3] == ["# 2021年新闻发布会计划执行情况", "", "截至2021年6月30日"]
    rows = [line for line in page if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 74
    assert rows[0] == "| 1 | 1月 | 2020年全市经济运行情况 | 市统计局 | 逾期未登记 |"
    assert all(line.count(" | ") == 4 for line in rows)  # no cell broke the table


@pytest.mark.parametrize("name", ["weekend_plugin", "outbox_plugin", "plan_markdown_plugin"])
def test_each_plugin_example_loads_strictly(name: str, tmp_path: Path) -> None:
    """``pressdocs --strict --plugins-dir`` loads each plugin example with no mistake."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    shutil.copy(EXAMPLES / f"{name}.py", plugins)
    listed = run_pressdocs(["--strict", "--plugins-dir", str(plugins), "plugins", "--json"])
    assert listed.returncode == 0, listed.stderr
    [mine] = [p for p in json.loads(listed.stdout) if p["name"] == name]
    assert mine["status"] == "loaded" and mine["registered"], mine
