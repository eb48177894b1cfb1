"""Tiny poison attachments, made as an attacker would, sent through a real batch.

Each poison goes in a message of its own between two ordinary ones; the test asserts the
finding (its code, the file it names), that the batch went on to the next message and
read it as usual, and that the poison cost no more than its budget (set low here).  The
defences do not depend on the interpreter: no DTD ever reaches an XML parser, whatever
expat would have done with it.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import time
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from docfixtures import registration_docx as form_docx
from docfixtures import statistics_xlsx, with_member
from pressdocs import Config, Pressdocs
from pressdocs._plugins import load_plugins
from pressdocs._reading import read_document
from pressdocs.config import Limits, config_from_dict
from pressdocs.errors import ConfigError
from pressdocs.models import SubmissionStatus
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
#: The budgets of these tests: low, to keep the suite fast.
DOC_SECONDS = 3
MESSAGE_SECONDS = 5


# --- the poisons ------------------------------------------------------------------------


def _laughs(root: str) -> str:
    """A "billion laughs" DTD: nine levels of ten references each."""
    entities = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


def _late_dtd(xml: str, encoding: str) -> bytes:
    """``xml`` with a billion-laughs DTD placed after 4096 bytes of comment, and the bomb
    set off in its first text."""
    declaration, rest = xml.split("?>", 1)
    declaration = re.sub(r'encoding="[^"]*"', f'encoding="{encoding.upper()}"', declaration)
    padding = "<!--" + "填" * 3000 + "-->"
    rest = rest.replace("<w:t>", "<w:t>&a9;", 1)
    return (declaration + "?>" + padding + _laughs("w:document") + rest).encode(encoding)


def dtd_docx(encoding: str) -> bytes:
    base = form_docx()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return with_member(base, "word/document.xml", _late_dtd(xml, encoding))


def add_member(package: bytes, member: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(member, data)
    return out.getvalue()


def dtd_in_unread_part() -> bytes:
    """docProps/custom.xml, which pressdocs never reads, carries the DTD (UTF-16 BE, BOM)."""
    custom = ('<?xml version="1.0" encoding="UTF-16"?>' + _laughs("Properties")
              + "<Properties>&a9;</Properties>")
    return add_member(form_docx(), "docProps/custom.xml", custom.encode("utf-16-be")
                      .join([b"\xfe\xff", b""]))


def _sheet(cells: str, dimension: str = "A1") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
            f"<sheetData>{cells}</sheetData></worksheet>").encode()


def far_cell_xlsx() -> bytes:
    """One styled cell at XFD1048576: openpyxl would build 17 billion cells."""
    sheet = _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>统计表</t></is></c></row>'
                   '<row r="1048576"><c r="XFD1048576" s="0"/></row>', "A1:XFD1048576")
    return with_member(statistics_xlsx(), "xl/worksheets/sheet1.xml", sheet)


def sheet_outside_xl(padding: int) -> bytes:
    """The workbook's sheet stored at sheets/sheet1.xml (the rels point there), holding
    ``padding`` bytes of blanks: the old size cap only counted parts under xl/."""
    base = statistics_xlsx()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    sheet = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            data = src.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = rels.replace("worksheets/sheet1.xml", "/sheets/sheet1.xml").encode()
            elif info.filename == "[Content_Types].xml":
                data = types.replace("/xl/worksheets/sheet1.xml", "/sheets/sheet1.xml").encode()
            dst.writestr(info, data)
        dst.writestr("sheets/sheet1.xml", sheet)
    return out.getvalue()


def lying_size_docx() -> bytes:
    """document.xml declares 2,000 bytes and inflates to 200 MB."""
    huge = b"<w:document>" + b" " * (200 * 1024 * 1024) + b"</w:document>"
    data = bytearray(with_member(form_docx(), "word/document.xml", huge))
    for offset, size_at in ((_find(data, b"PK\x03\x04"), 22), (_find(data, b"PK\x01\x02"), 24)):
        struct.pack_into("<I", data, offset + size_at, 2000)
    return bytes(data)


def _find(data: bytearray, signature: bytes) -> int:
    """The offset of ``signature``'s header for word/document.xml."""
    start = 0
    while True:
        at = data.index(signature, start)
        name_at = at + (30 if signature == b"PK\x03\x04" else 46)
        if data[name_at:name_at + 17] == b"word/document.xml":
            return at
        start = at + 1


def shared_stream_pdf(pages: int = 100) -> bytes:
    """A small PDF whose pages all draw one heavy content stream (built with pypdf)."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 1 Tf " + b"1 0 0 1 5 5 Tm (x) Tj " * 40_000 + b"ET")
    stream = stream.flate_encode()
    shared = writer._add_object(stream)
    font_ref = writer._add_object(font)
    for _ in range(pages):
        page = writer.add_blank_page(200, 200)
        page[NameObject("/Contents")] = ArrayObject([shared])
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font_ref})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_cells_xlsx(rows: int = 4000, cols: int = 100) -> bytes:
    """400,000 cells: under the cell limit, over a 256 MiB worker's memory."""
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}"><v>{c}</v></c>'
                                   for c in range(1, cols + 1)) + "</row>"
        for r in range(1, rows + 1))
    return with_member(statistics_xlsx(), "xl/worksheets/sheet1.xml",
                       _sheet(cells, f"A1:{_col(cols)}{rows}"))


def _col(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- the batch ----------------------------------------------------------------------------


def _limits(**overrides: int) -> Limits:
    values = {"document_seconds": DOC_SECONDS, "message_seconds": MESSAGE_SECONDS}
    return Limits(**{**values, **overrides})


def _ordinary(i: int) -> bytes:
    return message(subject=f"【市统计局】登记表 {i}", sender="tjj <tjj@wuhu.gov.cn>",
                   date=datetime(2021, 4, 1 + i, 9, tzinfo=TZ), message_id=f"<ok{i}@wuhu.gov.cn>",
                   attachments=[(f"登记表{i}.docx", registration_docx(
                       title=f"第{i}场新闻发布会", unit="市统计局", when="2021年4月28日上午9:30"))])


def run_batch(tmp_path: Path, attachments: list[tuple[str, bytes]], limits: Limits
              ) -> tuple[dict[str, list[tuple[str, str, str]]], float]:
    """A mailbox of an ordinary message, the poison, and another ordinary one, batched:
    each message's findings as (code, document, text) by Message-ID, and the seconds the
    poison's message took at most (the whole batch less the ordinary ones' share)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "1.eml").write_bytes(_ordinary(1))
    (folder / "2.eml").write_bytes(message(
        subject="【市统计局】材料", sender="tjj <tjj@wuhu.gov.cn>",
        date=datetime(2021, 4, 5, 9, tzinfo=TZ), message_id="<poison@wuhu.gov.cn>",
        attachments=attachments))
    (folder / "3.eml").write_bytes(_ordinary(3))
    app = Pressdocs(config=Config(limits=limits), store=tmp_path / "store",
                    plugins=load_plugins(entry_points=False))
    started = time.monotonic()
    report = app.batch(str(folder))
    elapsed = time.monotonic() - started
    app.close()
    found = {o.submission.message_id: [(f.code, f.location.document, f.message.text("zh"))
                                       for f in o.submission.findings]
             for o in report.outcomes}
    assert report.seen == 3 and report.new == 3
    for i in (1, 3):  # the batch went on, and read the next message as usual
        outcome = next(o for o in report.outcomes if o.submission.message_id == f"<ok{i}@wuhu.gov.cn>")
        assert outcome.submission.registration is not None
        assert outcome.submission.registration.title == f"第{i}场新闻发布会"
        assert outcome.status is not SubmissionStatus.ERROR
    return found, elapsed


def _codes(found: dict[str, list[tuple[str, str, str]]], code: str) -> list[tuple[str, str]]:
    return [(doc, text) for c, doc, text in found["<poison@wuhu.gov.cn>"] if c == code]


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16"])
def test_late_dtd_in_document_xml_is_refused_unread(tmp_path: Path, encoding: str) -> None:
    poison = dtd_docx(encoding)
    assert len(poison) < 64 * 1024
    found, elapsed = run_batch(tmp_path, [("登记表.docx", poison)], _limits())
    [(document, text)] = _codes(found, "PD906")
    assert document == "登记表.docx"
    assert "word/document.xml" in text and "DTD" in text
    assert not _codes(found, "PD901")  # reported once, as unsafe
    assert elapsed < 3 * DOC_SECONDS


def test_dtd_in_a_part_nobody_reads_is_refused(tmp_path: Path) -> None:
    found, elapsed = run_batch(tmp_path, [("登记表.docx", dtd_in_unread_part())], _limits())
    [(document, text)] = _codes(found, "PD906")
    assert document == "登记表.docx" and "docProps/custom.xml" in text
    assert elapsed < 3 * DOC_SECONDS


def test_dtd_is_refused_inside_a_zip_and_as_docm(tmp_path: Path) -> None:
    import archive_fixtures

    package = archive_fixtures.windows_zip([("材料/登记表.docx", dtd_docx("utf-16"))])
    found, _ = run_batch(tmp_path, [("材料.zip", package), ("说明.docm", dtd_in_unread_part())],
                         _limits())
    assert sorted(doc for doc, _ in _codes(found, "PD906")) == ["登记表.docx", "说明.docm"]


def test_styled_cell_at_xfd1048576_is_refused_before_openpyxl(tmp_path: Path) -> None:
    found, elapsed = run_batch(tmp_path, [("统计表.xlsx", far_cell_xlsx())], _limits())
    [(document, text)] = _codes(found, "PD901")
    assert document == "统计表.xlsx"
    assert "工作表“xl/worksheets/sheet1.xml”的范围过大" in text
    assert elapsed < 3 * DOC_SECONDS


def test_far_cell_in_a_sheet_stored_outside_xl_is_refused(tmp_path: Path) -> None:
    sheet = _sheet('<row r="1048576"><c r="XFD1048576"/></row>')
    poison = with_member(sheet_outside_xl(0), "sheets/sheet1.xml", sheet)
    found, _ = run_batch(tmp_path, [("统计表.xlsx", poison)], _limits())
    [(document, text)] = _codes(found, "PD901")
    assert document == "统计表.xlsx" and "sheets/sheet1.xml" in text


def test_sheet_outside_xl_counts_against_the_size_limit(tmp_path: Path) -> None:
    poison = sheet_outside_xl(60 * 1024 * 1024)
    assert len(poison) < 1024 * 1024
    found, elapsed = run_batch(tmp_path, [("统计表.xlsx", poison)], _limits())
    [(document, text)] = _codes(found, "PD901")
    assert document == "统计表.xlsx" and "表格内容过大" in text
    assert elapsed < 3 * DOC_SECONDS


def test_member_lying_about_its_size_is_never_inflated_past_it(tmp_path: Path) -> None:
    poison = lying_size_docx()
    found, elapsed = run_batch(tmp_path, [("登记表.docx", poison)], _limits())
    [(document, text)] = _codes(found, "PD901")
    assert document == "登记表.docx" and "文件已损坏或不完整" in text
    assert elapsed < 3 * DOC_SECONDS


def test_pdf_pages_sharing_a_heavy_stream_time_out(tmp_path: Path) -> None:
    poison = shared_stream_pdf()
    assert len(poison) < 64 * 1024
    found, elapsed = run_batch(tmp_path, [("发布稿.pdf", poison)], _limits())
    [(document, text)] = _codes(found, "PD907")
    assert document == "发布稿.pdf"
    assert f"读取超时：超过 {DOC_SECONDS} 秒" in text
    assert elapsed < 3 * DOC_SECONDS + 10  # the budget, and the two ordinary messages


def test_a_message_has_a_total_budget(tmp_path: Path) -> None:
    poison = shared_stream_pdf()
    attachments = [(f"发布稿{i}.pdf", poison) for i in range(4)]
    found, elapsed = run_batch(tmp_path, attachments, _limits())
    over = _codes(found, "PD907")
    assert sorted(doc for doc, _ in over) == [f"发布稿{i}.pdf" for i in range(4)]
    assert any("这封邮件的读取总时限（5 秒）已用完" in text for _, text in over)
    assert elapsed < 3 * MESSAGE_SECONDS + 10


def test_out_of_memory_is_a_finding_and_the_worker_comes_back(tmp_path: Path) -> None:
    found, _ = run_batch(tmp_path, [("统计表.xlsx", many_cells_xlsx())],
                         _limits(document_memory_mb=256, document_seconds=30,
                                 message_seconds=60))
    [(document, text)] = _codes(found, "PD907")
    assert document == "统计表.xlsx" and "内存超限：读取时占用内存超过 256 MB" in text


def test_the_reader_survives_its_worker_being_killed() -> None:
    import os
    import signal

    from pressdocs import _budget

    plugins = load_plugins(entry_points=False)
    config = Config(limits=_limits(document_seconds=60))
    read_document(form_docx(), "登记表.docx", plugins=plugins, config=config)  # a warm worker
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.append(read_document(
        shared_stream_pdf(), "发布稿.pdf", plugins=plugins, config=config)))
    pids = {w.process.pid for w in _budget._POOL._idle}
    reader.start()
    time.sleep(1.0)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    reader.join(30)
    [result] = results
    assert result.error is not None  # type: ignore[attr-defined]
    assert result.error.message.key == "read.worker_died"  # type: ignore[attr-defined]
    assert "SIGKILL" in result.error.render("zh")  # type: ignore[attr-defined]
    again = read_document(form_docx(), "登记表.docx", plugins=plugins, config=config)
    assert again.error is None and again.data is not None


def test_ordinary_documents_read_the_same_with_and_without_the_worker() -> None:
    plugins = load_plugins(entry_points=False)
    for data, name in ((form_docx(), "登记表.docx"), (statistics_xlsx(), "统计表.xlsx")):
        isolated = read_document(data, name, plugins=plugins, config=Config())
        inline = read_document(data, name, plugins=plugins,
                               config=Config(limits=Limits(worker=False)))
        assert isolated.to_dict() == inline.to_dict()
        assert isolated.error is None


def test_limits_are_validated() -> None:
    assert config_from_dict({"limits": {"document_seconds": 5}}).limits.document_seconds == 5
    with pytest.raises(ConfigError, match=r"limits\.document_seconds.*-5.*1 到 3600"):
        config_from_dict({"limits": {"document_seconds": -5}})
    with pytest.raises(ConfigError, match=r"limits\.document_memory_mb"):
        config_from_dict({"limits": {"document_memory_mb": 10}})


def test_helpers_compress_as_an_attacker_would() -> None:
    """The poisons are small: the danger is in what they expand to."""
    assert len(far_cell_xlsx()) < 64 * 1024
    assert len(zlib.compress(b" " * 1024 * 1024)) < 8 * 1024


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("part", ["word/document.xml", "word/media/image1.png"])
def test_dtd_cut_by_any_chunk_boundary_is_found(encoding: str, part: str) -> None:
    """The parts stream past in 64 KB chunks: a DOCTYPE that a chunk boundary cuts
    anywhere, in an XML part or in one that looks like a picture, is found all the same."""
    from pressdocs._ooxml_guard import _CHUNK, PackageLimits, check_package
    from pressdocs.errors import ParseError

    head = ("<?xml version='1.0'?><w:document>" if part.endswith(".xml") else "\x89PNG\r\n")
    dtd = "<!DOCTYPE d [<!ENTITY a 'a'>]><d/>".encode(encoding)
    for start in range(_CHUNK - 12, _CHUNK + 2):
        data = head.encode(encoding)
        data += b" " * (start - len(data))  # for UTF-16, the DTD lands at either alignment
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(part, data + dtd)
        with zipfile.ZipFile(buffer) as z, pytest.raises(ParseError, match="DTD"):
            check_package(z, "登记表.docx", PackageLimits())
