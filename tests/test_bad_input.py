"""Bad input named for what it is: a damaged document, a file whose content is not what its
name says, a package with unsafe names.

The documents are written by real programs (python-docx, openpyxl, LibreOffice) and then
damaged the way downloads damage them: cut off at some point.  What is asserted is what the
office reads: which rule speaks, and that it names the file for what it is.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from archive_fixtures import sevenzip, windows_zip, zip_with_raw_names
from cli_support import invoke
from pressdocs import Pressdocs, Submission
from pressdocs import _sniff as sniff
from pressdocs._archives import is_office_zip
from pressdocs._libreoffice import convert, find_soffice
from submissions import message, png, press_release_docx, registration_docx

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def app() -> Pressdocs:
    return Pressdocs(load_entry_points=False)


def _python_docx() -> bytes:
    return registration_docx(title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
                             when="2021年4月15日上午9:30")


def _openpyxl_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题"])
    sheet.append([1, "2021年3月15日", "市政府新闻发布厅", "鸠江区人民政府", "大江晚报",
                  "优化营商环境工作情况"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@functools.cache
def _office_file(maker: str) -> tuple[str, bytes]:
    """A real Office file by its maker: its name as a unit would send it, and its bytes."""
    if maker == "python-docx":
        return "登记表.docx", _python_docx()
    if maker == "openpyxl":
        return "统计表.xlsx", _openpyxl_xlsx()
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if maker == "libreoffice-docx":  # LibreOffice writes docProps/ first, no [Content_Types]
        return "登记表.docx", convert(_python_docx(), suffix=".docx",
                                   target="docx:MS Word 2007 XML")
    return "统计表.xlsx", convert(_openpyxl_xlsx(), suffix=".xlsx", target="xlsx")


MAKERS = ("python-docx", "libreoffice-docx", "openpyxl", "libreoffice-xlsx")


def _cuts(data: bytes) -> list[int]:
    """Where a download may stop: in the first header, in the first name, after it,
    in the middle, in the central directory, one byte short."""
    directory = data.rfind(b"PK\x01\x02")
    first = data.rfind(b"PK\x01\x02", 0, directory)
    return [12, 33, 200, len(data) // 3, len(data) // 2, first, directory + 20,
            len(data) - 1]


def _problems(sub: Submission) -> list[tuple[str, str]]:
    return [(f.code, f.text("zh")) for f in sub.findings if f.code in ("PD901", "PD902")]


@pytest.mark.parametrize("maker", MAKERS)
def test_a_truncated_office_file_is_a_damaged_document_not_a_package(
        maker: str, app: Pressdocs, tmp_path: Path) -> None:
    name, whole = _office_file(maker)
    what = "Word 文档" if name.endswith(".docx") else "Excel 表格"
    for cut in _cuts(whole):
        path = tmp_path / str(cut) / name
        path.parent.mkdir()
        path.write_bytes(whole[:cut])
        sub = app.check(path)
        assert _problems(sub) == [(
            "PD901", f"文件“{name}”无法读取：文件已损坏或不完整（不是有效的 {what}），"
                     "请重新保存后再发送")], (maker, cut)
        assert [d.kind for d in sub.documents] == ["other"], (maker, cut)
        assert "压缩包" not in " ".join(f.text("zh") for f in sub.findings), (maker, cut)


@pytest.mark.parametrize("maker", MAKERS)
def test_a_truncated_office_file_is_told_by_its_local_headers_whatever_its_name(
        maker: str) -> None:
    """Once the first part's header is whole, the name is not needed: the parts say it."""
    name, whole = _office_file(maker)
    expected = sniff.DOCX if name.endswith(".docx") else sniff.XLSX
    for cut in _cuts(whole)[2:]:
        assert is_office_zip(whole[:cut], name), (maker, cut)
        found = sniff.sniff_media_type(whole[:cut], "附件")
        assert found in (expected, sniff.ZIP), (maker, cut)
        if b"word/" in whole[:cut] or b"xl/" in whole[:cut]:
            assert found == expected, (maker, cut)


def test_a_truncated_docx_attached_to_a_mail_is_a_damaged_document(app: Pressdocs,
                                                                  tmp_path: Path) -> None:
    name, whole = _office_file("libreoffice-docx")
    eml = tmp_path / "登记表.eml"
    eml.write_bytes(message(subject="【市统计局】新闻发布会登记表", sender="市统计局 <tjj@wuhu.gov.cn>",
                            date=datetime(2021, 4, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                            attachments=[(name, whole[:len(whole) // 2])]))
    sub = app.check(eml)
    assert [code for code, _ in _problems(sub)] == ["PD901"]
    assert "登记表.docx" in _problems(sub)[0][1] and "已损坏" in _problems(sub)[0][1]


def test_a_truncated_package_is_still_a_damaged_package(app: Pressdocs, tmp_path: Path) -> None:
    """The other side of the line: a cut-off zip of materials is a package (PD902), even
    when it is named .docx, since its members are files, not the parts of a document."""
    package = windows_zip([("发布材料/发布稿.docx", press_release_docx("一季度经济运行")),
                           ("发布材料/问答.docx", press_release_docx("问答"))])
    for name in ("发布材料.zip", "发布材料.docx"):
        path = tmp_path / name
        path.write_bytes(package[: len(package) // 2])
        sub = app.check(path)
        assert [code for code, _ in _problems(sub)] == ["PD902"], name
        assert re.search(r"压缩包“.+”未能解开：压缩包已损坏或不完整", _problems(sub)[0][1])
        assert not is_office_zip(package[: len(package) // 2], name)


def test_a_whole_document_and_a_whole_package_are_told_apart_as_before() -> None:
    document = _python_docx()
    package = windows_zip([("登记表.docx", document)])
    assert is_office_zip(document) and is_office_zip(document, "登记表.docx")
    assert not is_office_zip(package, "材料.zip") and not is_office_zip(package, "材料.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert sniff.sniff_media_type(buf.getvalue()[:20], "材料.zip") == sniff.ZIP


# --- a file whose content is not what its name says ---------------------------------------------


@functools.cache
def _converted(target: str) -> bytes:
    """The registration form converted by LibreOffice to ``target``."""
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return convert(_python_docx(), suffix=".docx", target=target)


def _misnamed_file(case: str) -> bytes:
    if case == "png":
        return png(7, size=8)
    if case == "pdf":
        return _converted("pdf")
    if case == "html":
        return _converted("html:HTML (StarWriter)")
    assert case == "zip"
    return windows_zip([("发布稿.docx", press_release_docx("一季度经济运行"))])


#: (what the file is, the name it is sent under, what pressdocs reads it as, its words)
MISNAMED = [
    ("png", "登记表.docx", "picture", "PNG 图片", "PNG picture"),
    ("pdf", "登记表.doc", "registration", "PDF 文件", "PDF file"),
    ("html", "登记表.doc", "registration", "网页（HTML）", "web page (HTML)"),
    ("zip", "发布材料.rar", "package", "zip 压缩包", "zip package"),
]


@pytest.mark.parametrize(("case", "name", "kind", "zh", "en"), MISNAMED)
def test_a_misnamed_file_is_read_by_its_content_and_says_so(
        case: str, name: str, kind: str, zh: str, en: str, app: Pressdocs) -> None:
    read = app.read(_misnamed_file(case), name=name)
    assert read.kind == kind and read.error is None
    ext = name.rsplit(".", 1)[1]
    assert [w.text("zh") for w in read.warnings][:1] == [
        f"{name} 实际是{zh}，与扩展名“.{ext}”不符；已按实际内容读取"]
    assert read.warnings[0].text("en") == (
        f"{name} is not what its extension .{ext} says (what it holds: {en}); "
        "read as what it holds")


@pytest.mark.parametrize(("case", "name", "kind", "zh", "en"), MISNAMED)
def test_validate_finds_a_misnamed_file(case: str, name: str, kind: str, zh: str, en: str,
                                        app: Pressdocs, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(_misnamed_file(case))
    found = [f for f in app.check(path).findings if f.code == "PD905"]
    ext = name.rsplit(".", 1)[1]
    assert [(f.severity, f.location.document, f.text("zh")) for f in found] == [(
        "warning", name,
        f"文件“{name}”实际是{zh}，与扩展名“.{ext}”不符；已按实际内容读取，请确认发送的文件是否正确")]
    assert f"(what it holds: {en})" in found[0].text("en")


#: Files named for a format their content is a close relative of: nothing to tell anyone.
HARMLESS = [
    ("图片1.jpg", lambda: png(3, size=8)),  # a PNG named .jpg: every viewer opens it
    ("图片2.jpeg", lambda: _jpeg()),
    ("登记表.doc", _python_docx),  # a .docx named .doc: Word opens it
    ("登记表.wps", lambda: _converted("doc")),  # WPS writes .wps as Word 97
    ("登记表.docx", lambda: _converted("rtf")),  # RTF among Word's own formats
    ("统计表.et", lambda: convert(_openpyxl_xlsx(), suffix=".xlsx", target="xls")),
    ("说明.txt", lambda: "新闻发布会登记表说明".encode("gb18030")),
    ("附件", lambda: png(1)),  # no extension: no promise
]


def _jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(200) + b"\xff\xd9"


@pytest.mark.parametrize(("name", "make"), HARMLESS, ids=[h[0] for h in HARMLESS])
def test_harmless_pairs_are_not_reported(name: str, make: Any, app: Pressdocs,
                                         tmp_path: Path) -> None:
    if (name.endswith((".wps", ".et")) or name == "登记表.docx") and find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    data = make()
    assert all(w.key != "read.misnamed" for w in app.read(data, name=name).warnings)
    path = tmp_path / name
    path.write_bytes(data)
    assert "PD905" not in [f.code for f in app.check(path).findings]


def test_a_web_page_named_like_a_picture_in_the_materials_is_pd206s_alone(
        app: Pressdocs, tmp_path: Path) -> None:
    folder = tmp_path / "材料"
    folder.mkdir()
    (folder / "发布稿.docx").write_bytes(press_release_docx("一季度全市经济运行稳中向好"))
    (folder / "图片1.jpg").write_bytes(b"<html><body>403 Forbidden</body></html>")
    (folder / "图片2.png").write_bytes(png(2))
    (folder / "说明.doc").write_bytes(png(4))
    sub = app.check(folder)
    by_code = {f.code: f for f in sub.findings if f.location.document}
    assert [f.location.document for f in sub.findings if f.code == "PD905"] == ["说明.doc"]
    assert "图片1.jpg" in [f.location.document for f in sub.findings if f.code == "PD206"]
    assert by_code["PD905"].severity == "warning"


# --- packages: listed as documents, and parse says why one is refused ---------------------------


def _zip_with_a_link(tmp_path: Path) -> bytes:
    """A zip written by Info-ZIP ``zip --symlinks``: a press release and a link beside it
    pointing out of the package (a shortcut to /etc/passwd)."""
    if shutil.which("zip") is None:
        pytest.skip("zip (Info-ZIP) is not installed")
    folder = tmp_path / "src"
    (folder / "发布材料").mkdir(parents=True)
    (folder / "发布材料" / "发布稿.docx").write_bytes(press_release_docx("一季度经济运行"))
    (folder / "发布材料" / "快捷方式").symlink_to("/etc/passwd")
    out = tmp_path / "材料.zip"
    subprocess.run(["zip", "-q", "-r", "--symlinks", str(out), "发布材料"], cwd=folder,
                   check=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
    return out.read_bytes()


UNSAFE = [
    ("../evil.txt", "材料.zip", lambda: zip_with_raw_names([
        ("发布稿.docx".encode("gbk"), b"fine"), (b"../evil.txt", b"evil")])),
    ("/etc/passwd", "材料.zip", lambda: zip_with_raw_names([(b"/etc/passwd", b"root")])),
    ("C:\\evil.txt", "材料.zip", lambda: zip_with_raw_names([(b"C:\\evil.txt", b"x")])),
    ("../evil.txt", "材料.7z", lambda: sevenzip([("../evil.txt", b"x")], unchecked_names=True)),
]


@pytest.mark.parametrize(("member", "name", "make"), UNSAFE,
                         ids=[f"{n}:{m}" for m, n, _ in UNSAFE])
def test_parse_says_a_package_with_an_unsafe_name_is_refused_as_batch_does(
        member: str, name: str, make: Any, app: Pressdocs, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    said = f"压缩包内文件名不安全：{member}，请重新打包发送"
    result = invoke(["parse", "--json", str(path)])
    assert result.exit_code == 0, result.output  # read, and found wanting
    (out,) = json.loads(result.stdout)
    assert out["kind"] == "package"
    assert out["warnings"][0] == f"{name}：{said}" == out["error"]
    shown = invoke(["parse", str(path)])
    assert said in re.sub(r"\s*\n\s*", "", shown.output)
    english = json.loads(invoke(["--lang", "en", "parse", "--json", str(path)]).stdout)[0]
    assert "unsafe file name" in english["error"] and not HAN.search(
        english["error"].replace(name, ""))
    # the same words as the batch's PD902 for the same package
    (rejected,) = [f for f in app.check(path).findings if f.code == "PD902"]
    assert rejected.text("zh") == f"压缩包“{name}”未能解开：{said}"


def test_parse_names_the_links_a_package_leaves_out(app: Pressdocs, tmp_path: Path) -> None:
    path = tmp_path / "材料.zip"
    path.write_bytes(_zip_with_a_link(tmp_path))
    (out,) = json.loads(invoke(["parse", "--json", str(path)]).stdout)
    assert (out["kind"], out["error"]) == ("package", None)
    assert out["warnings"] == ["压缩包“材料.zip”中的“发布材料/快捷方式”是一个链接（快捷方式），"
                               "不是文件，已跳过；请把文件本身放进压缩包"]
    # the batch takes the rest of the package as it always did
    sub = app.check(path)
    assert [(d.name, d.kind) for d in sub.documents] == [
        ("材料.zip", "package"), ("发布稿.docx", "press_release")]


def test_every_package_is_listed_as_a_document_before_the_files_it_holds(
        app: Pressdocs, tmp_path: Path) -> None:
    inner = windows_zip([("问答.docx", press_release_docx("问答")), ("图片1.png", png(1))])
    outer = windows_zip([("发布会材料/发布稿.docx", press_release_docx("一季度经济运行")),
                         ("发布会材料/图片.zip", inner)])
    path = tmp_path / "某某发布会材料.zip"
    path.write_bytes(outer)
    sub = app.check(path)
    inner_zip = "某某发布会材料.zip/发布会材料/图片.zip"
    assert [(d.name, d.kind, d.origin, d.container, d.path) for d in sub.documents] == [
        ("某某发布会材料.zip", "package", "file", "", ""),
        ("发布稿.docx", "press_release", "package", "某某发布会材料.zip", "发布会材料/发布稿.docx"),
        ("图片.zip", "package", "package", "某某发布会材料.zip", "发布会材料/图片.zip"),
        ("问答.docx", "press_release", "package", inner_zip, "问答.docx"),
        ("图片1.png", "picture", "package", inner_zip, "图片1.png"),
    ]
    assert all(d.sha256 and d.size for d in sub.documents)
    assert "PD902" not in [f.code for f in sub.findings]


def test_a_package_of_nothing_readable_is_still_rejected(app: Pressdocs, tmp_path: Path) -> None:
    """Listing the package does not make a message of unreadable files look readable."""
    path = tmp_path / "材料.zip"
    path.write_bytes(windows_zip([("说明.bin", b"\x00\x01\x02" * 100)]))
    assert app.check(path).status == "rejected"
    empty = tmp_path / "空.zip"
    empty.write_bytes(windows_zip([]))
    assert app.check(empty).status == "unrelated"
