"""The built wheel is pressdocs: installed into a fresh virtual environment (no system
site-packages, no checkout), ``pressdocs demo`` runs there and what it writes is opened
by the programs the office opens it with — the Excel files in LibreOffice, the HTML
pages in Chromium — and the review desk it names starts and shows the demo's inbox.

The wheel is built from a copy of the project's files (pyproject.toml, README.md,
src/) with the setuptools already installed (``--no-build-isolation``); the venv gets
it with its dependencies from the wheelhouse ``scripts/setup`` fills (.cache/wheelhouse,
``pip wheel`` of the dependencies), ``--no-index``: the test itself reaches no network,
and pip reads no configuration of the machine's (no local index, no find-links).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pressdocs import __version__
from pressdocs._libreoffice import find_soffice

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow  # a wheel built and installed with its dependencies: a minute or two

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"
#: What the build needs of the project (everything else, tests included, stays out).
PROJECT_FILES = ("pyproject.toml", "README.md", "src")
APPROVED = "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"
RETURNED = "市人社局新闻发布会材料"

if not WHEELHOUSE.is_dir() or not any(WHEELHOUSE.glob("*.whl")):
    pytest.skip(f"no wheelhouse at {WHEELHOUSE}: run bash scripts/setup (it fills it with "
                "the wheels of pressdocs' dependencies, so that the wheel installs offline)",
                allow_module_level=True)


def clean_env(**more: str) -> dict[str, str]:
    """The environment of a new shell on a machine without this checkout: nothing that
    points Python at the source (PYTHONPATH), no pip configuration (the machine's local
    index and find-links), no pressdocs settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PIP_", "PRESSDOCS_")) and k != "VIRTUAL_ENV"}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1", COLUMNS="240", **more)
    return env


def run(args: list[str | Path], *, cwd: Path | None = None, timeout: float = 600,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env or clean_env())
    assert proc.returncode == 0, f"{args}:\n{proc.stdout}\n{proc.stderr}"
    return proc


# --- the wheel, the venv, the demo ----------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pressdocs' wheel, built from a copy of the project's files."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(path, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", root / "dist", source])
    [built] = (root / "dist").glob("pressdocs-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (without the system's site-packages) with the wheel and its ``all``
    extra installed from the wheelhouse alone; its ``bin`` folder."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", folder])
    bin_ = folder / "bin"
    proc = subprocess.run(
        [str(bin_ / "python"), "-m", "pip", "install", "-q", "--no-index", "--find-links",
         str(WHEELHOUSE), f"{wheel}[all]"], capture_output=True, text=True, timeout=900,
        env=clean_env())
    assert proc.returncode == 0, (
        "the wheel did not install from the wheelhouse alone (a dependency added since "
        f"scripts/setup last ran? run it again):\n{proc.stdout}\n{proc.stderr}")
    return bin_


@pytest.fixture(scope="module")
def demo(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``pressdocs demo OUT`` run by the venv's console script, from a folder outside the
    checkout: OUT and the summary."""
    work = tmp_path_factory.mktemp("demo")
    proc = run([venv / "pressdocs", "demo", "out"], cwd=work)
    assert "Traceback" not in proc.stderr
    return work / "out", proc.stdout


def path_after(label: str, summary: str) -> Path:
    [line] = [line for line in summary.splitlines() if line.strip().startswith(label)]
    return Path(re.split(r"[：:] ?", line, maxsplit=1)[1].strip())


def test_a_scanned_form_without_the_ocr_extra_is_named_as_one(venv: Path, tmp_path: Path) -> None:
    """The venv has pressdocs[all], not pressdocs[ocr]: a registration sent as a photo of
    the stamped form is named as a scan that needs the extra (PD901), the message is the
    unit's registration, incomplete — not set aside as unrelated, and no field of the form
    is listed as missing."""
    import io
    from email.message import EmailMessage

    from PIL import Image

    absent = subprocess.run([str(venv / "python"), "-c", "import rapidocr"],
                            capture_output=True, env=clean_env())
    assert absent.returncode != 0
    page = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(page, "JPEG")
    msg = EmailMessage()
    msg["From"], msg["To"] = "市统计局 <tjj@wuhu.gov.cn>", "whxwtg@163.com"
    msg["Subject"], msg["Date"] = "新闻发布会登记表", "Mon, 05 Jan 2026 10:00:00 +0800"
    msg["Message-ID"] = "<scan-1@wuhu.gov.cn>"
    msg.set_content("您好，盖章的登记表见附件。")
    msg.add_attachment(page.getvalue(), maintype="image", subtype="jpeg", filename="登记表.jpg")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1.eml").write_bytes(bytes(msg))
    store = tmp_path / "store"
    run([venv / "pressdocs", "--store", store, "batch", inbox])
    listed = json.loads(run([venv / "pressdocs", "--store", store, "submissions", "list",
                             "--json"]).stdout)
    [item] = listed["submissions"]
    assert (item["kind"], item["status"]) == ("registration", "incomplete")
    shown = json.loads(run([venv / "pressdocs", "--store", store, "submissions", "show",
                            item["id"], "--json"]).stdout)
    findings = [(f["code"], f["message"]["zh"]) for f in shown["findings"]]
    assert ("PD901", "文件“登记表.jpg”无法读取：登记表（扫描件）无法识别文字：安装 pressdocs[ocr] "
            "后可自动识别") in findings, findings
    assert not [code for code, _ in findings if code == "PD102"], findings


# --- the wheel's contents -------------------------------------------------------------------


def test_the_wheel_carries_every_file_the_package_reads(wheel: Path) -> None:
    """Schemas, catalogues, templates, the review desk's templates and static files, the
    unit directory, the demo's notice: every file under src/pressdocs is in the wheel."""
    package = ROOT / "src" / "pressdocs"
    expected = {p.relative_to(package.parent).as_posix() for p in package.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    with zipfile.ZipFile(wheel) as zf:
        carried = {n for n in zf.namelist() if n.startswith("pressdocs/")}
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        assert f"Version: {__version__}" in zf.read(metadata).decode()
        entry_points = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "pressdocs = pressdocs.cli:main" in zf.read(entry_points).decode()
    assert expected - carried == set()
    assert {"pressdocs/_data/demo/notice_2021.txt", "pressdocs/web/static/htmx.min.js",
            "pressdocs/templates/receipt.zh.j2", "pressdocs/locale/en.toml",
            "pressdocs/schemas/batch.json", "pressdocs/py.typed"} <= carried
    assert not [n for n in carried if "__pycache__" in n or n.startswith("tests/")]


def test_the_venv_runs_the_installed_package_alone(venv: Path) -> None:
    """The venv's pressdocs is the wheel's, not the checkout's, and the venv sees nothing
    of the system's packages (pytest is not there)."""
    proc = run([venv / "python", "-c", "import pressdocs; print(pressdocs.__file__)"])
    assert Path(proc.stdout.strip()).is_relative_to(venv.parent)
    missing = subprocess.run([str(venv / "python"), "-c", "import pytest"],
                             capture_output=True, text=True, env=clean_env())
    assert missing.returncode == 1 and "No module named 'pytest'" in missing.stderr
    assert run([venv / "pressdocs", "--version"]).stdout.strip() == f"pressdocs {__version__}"


# --- pressdocs demo, installed --------------------------------------------------------------


def test_pressdocs_demo_runs_from_the_wheel(demo: tuple[Path, str]) -> None:
    out, summary = demo
    assert summary.splitlines()[0] == f"pressdocs 演示完成，全部写在 {out}"
    assert f"打开审核台：pressdocs --store {out / 'store'} serve" in summary
    assert f"审核：审核员 demo 审批同意了“{APPROVED}”，退回补正了“{RETURNED}”" in summary
    for label in ("统计表（2021H1）", "计划执行情况", "收件登记簿", "新闻发布会实录", "工作看板"):
        assert path_after(label, summary).is_file(), label
    assert "pressdocs[web]" not in summary  # the all extra brought the review desk


def test_the_outbox_has_a_receipt_per_submission(venv: Path, demo: tuple[Path, str]) -> None:
    out, _ = demo
    listed = json.loads(run([venv / "pressdocs", "--store", out / "store", "submissions",
                             "list", "--json"]).stdout)
    expected = sorted(s["id"] for s in listed["submissions"] if s["kind"] != "unrelated")
    assert len(expected) == (7 if find_soffice() else 6)
    written = sorted((out / "outbox").glob("*.json"))
    notices = [json.loads(p.read_text(encoding="utf-8")) for p in written]
    assert sorted(n["submission_id"] for n in notices if n["template"] == "receipt") == expected
    assert all(p.with_suffix(".eml").is_file() for p in written)  # to open in a mail client


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_excel_files_open_in_libreoffice(demo: tuple[Path, str], tmp_path: Path) -> None:
    """LibreOffice opens the plan status and the statistics table and reads known cells
    (their first sheets, as CSV in UTF-8)."""
    _, summary = demo
    plan, stats = path_after("计划执行情况", summary), path_after("统计表（2021H1）", summary)
    soffice = find_soffice()
    assert soffice is not None
    run([soffice, "--headless", "--norestore",
         f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
         tmp_path / "csv", plan, stats], timeout=240)

    def rows(xlsx: Path) -> list[list[str]]:
        text = (tmp_path / "csv" / f"{xlsx.stem}.csv").read_text(encoding="utf-8")
        return list(csv.reader(text.splitlines()))

    plan_rows = rows(plan)
    assert plan_rows[0][:4] == ["序号", "月份", "责任单位", "发布主题"]
    [item11] = [r for r in plan_rows if r and r[0] == "11"]
    assert item11[2:4] == ["市统计局", "2021年一季度全市经济运行情况"]
    assert item11[5] == "已召开"
    stats_rows = rows(stats)
    assert stats_rows[0][0] == "附件3"
    assert stats_rows[1][0].endswith("新闻发布会统计表")


def test_the_html_pages_show_their_titles_in_chromium(demo: tuple[Path, str],
                                                      page: Page) -> None:
    from playwright.sync_api import expect

    _, summary = demo
    page.goto(path_after("工作看板", summary).as_uri())
    expect(page).to_have_title("2021年新闻发布工作看板")
    expect(page.locator("h1")).to_contain_text("2021年新闻发布工作看板")
    page.goto(path_after("新闻发布会实录", summary).as_uri())
    expect(page).to_have_title("2021年一季度全市经济运行情况新闻发布会")
    expect(page.locator("figure img")).to_have_count(3)  # the zip's pictures, beside the page


@pytest.fixture
def desk(venv: Path, demo: tuple[Path, str]) -> Iterator[str]:
    """The review desk the summary's command opens, run by the venv on a loopback port."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out, _ = demo
    proc = subprocess.Popen([str(venv / "pressdocs"), "--store", str(out / "store"), "serve",
                             "--port", str(port)], env=clean_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out_, err = proc.communicate(timeout=10)
                    raise AssertionError(f"pressdocs serve did not start:\n{out_}\n{err}") \
                        from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.communicate()


def test_the_review_desk_opens_on_the_demo(desk: str, demo: tuple[Path, str],
                                           page: Page) -> None:
    """The command and account the summary gives: the desk's own files come from the
    wheel, and the demo reviewer signs in and sees the inbox."""
    from playwright.sync_api import expect

    with urllib.request.urlopen(f"{desk}/static/htmx.min.js", timeout=10) as answer:
        assert answer.status == 200 and b"htmx" in answer.read()
    with urllib.request.urlopen(f"{desk}/static/desk.css", timeout=10) as answer:
        assert answer.status == 200
    password = re.search(r"账号 demo，密码 (\S+)", demo[1])
    assert password is not None
    page.goto(f"{desk}/login")
    page.locator("input[name=name]").fill("demo")
    page.locator("input[name=password]").fill(password[1])
    page.locator("button[type=submit]").click()
    page.goto(f"{desk}/inbox")
    expect(page.locator("body")).to_contain_text(RETURNED)
    expect(page.locator("body")).to_contain_text("鸠江区2021年上半年新闻发布会统计表")
