"""Opening packages (打包发送): what the office sees when a unit's zip, 7z or rar arrives."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
import rarfile
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_fixtures import (
    RawNameZipInfo,
    lie_about_size,
    macos_zip,
    rar5_stored,
    sevenzip,
    utf8_zip,
    windows_zip,
    zeros_zip,
    zip_with_raw_names,
    zip_with_unicode_path_extra,
)
from pressdocs._archives import (
    ArchiveLimits,
    Member,
    _Budget,
    _drain,
    _Entry,
    _Scope,
    _Sink,
    is_office_zip,
    open_archive,
    sniff_archive,
)
from pressdocs.errors import ArchiveRejected, ParseError, UnsupportedFormat

KiB = 1024
MiB = 1024 * KiB

HAS_RAR_TOOL = any(shutil.which(t) for t in ("unar", "bsdtar", "unrar"))
needs_rar_tool = pytest.mark.skipif(not HAS_RAR_TOOL,
                                    reason="no rar tool (unar, bsdtar, unrar) installed")


def docx_bytes(text: str = "新闻发布会登记表") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def paths(members: list[Member]) -> list[str]:
    return [m.path for m in members]


# --- recognising packages ------------------------------------------------------------

def test_sniff_by_magic_bytes_not_by_name() -> None:
    assert sniff_archive(utf8_zip([("a.txt", b"x")])) == "zip"
    assert sniff_archive(sevenzip([("a.txt", b"x")])) == "7z"
    assert sniff_archive(rar5_stored([("a.txt", b"x")])) == "rar"
    assert sniff_archive(b"Rar!\x1a\x07\x00" + b"\x00" * 20) == "rar"  # RAR 4
    assert sniff_archive(b"%PDF-1.7\n") is None
    assert sniff_archive(b"") is None


def test_documents_are_zips_but_not_packages() -> None:
    document = docx_bytes()
    assert sniff_archive(document) == "zip"
    assert is_office_zip(document)
    assert is_office_zip(utf8_zip([("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"")]))
    assert not is_office_zip(windows_zip([("新闻发布会登记表.docx", document)]))
    assert not is_office_zip(b"PK\x03\x04 truncated")


def test_defaults_are_the_offices_limits() -> None:
    limits = ArchiveLimits()
    assert limits.max_total_bytes == 1024 * MiB
    assert limits.max_entries == 1000
    assert limits.max_ratio == 200
    assert limits.max_depth == 2
    assert limits.max_member_bytes == 500 * MiB


def test_not_a_package() -> None:
    with pytest.raises(UnsupportedFormat) as info:
        open_archive(b"%PDF-1.7\n", "发布稿.zip")
    assert info.value.file == "发布稿.zip"
    assert "不是可识别的压缩包" in str(info.value)


# --- names -----------------------------------------------------------------------------

def test_windows_gbk_names_without_utf8_flag() -> None:
    document = docx_bytes()
    data = windows_zip([("新闻发布会登记表.docx", document), ("图片1.jpg", b"\xff\xd8\xff")])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # the hard case: Python alone shows mojibake
        assert all(not i.flag_bits & 0x800 for i in zf.infolist())
        assert "新闻发布会登记表.docx" not in zf.namelist()
    members = open_archive(data, "材料.zip")
    assert members == [
        Member("新闻发布会登记表.docx", document, "材料.zip"),
        Member("图片1.jpg", b"\xff\xd8\xff", "材料.zip"),
    ]


def test_gbk_name_whose_second_byte_is_a_backslash_stays_whole() -> None:
    assert "誠".encode("gbk")[1:] == b"\\"
    members = open_archive(windows_zip([("材料/誠信建设.docx", b"d")]), "材料.zip")
    assert paths(members) == ["材料/誠信建设.docx"]


def test_utf8_flagged_zip() -> None:
    members = open_archive(utf8_zip([("发布稿/新闻发布稿.docx", b"a"), ("图片2.png", b"p")]),
                           "材料.zip")
    assert paths(members) == ["发布稿/新闻发布稿.docx", "图片2.png"]


def test_macos_zip_utf8_without_flag_and_junk_skipped() -> None:
    data = macos_zip([("发布稿.docx", b"a"), ("图片/图片1.jpg", b"b"), ("问答.docx", b"q")])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        junk = [n for n in zf.namelist() if "MACOSX" in n or "DS_Store" in n]
    assert len(junk) >= 4
    members = open_archive(data, "材料.zip")
    assert paths(members) == ["发布稿.docx", "图片/图片1.jpg", "问答.docx"]
    assert [m.data for m in members] == [b"a", b"b", b"q"]


def test_windows_junk_and_folders_skipped() -> None:
    data = utf8_zip([("材料/", b""), ("材料/Thumbs.db", b"t"), ("材料/desktop.ini", b"d"),
                     ("材料/图片3.jpg", b"j")])
    assert paths(open_archive(data, "材料.zip")) == ["材料/图片3.jpg"]


def test_unicode_path_extra_field_wins_over_the_header_name() -> None:
    data = zip_with_unicode_path_extra(b"____.docx", "发布稿.docx", b"a")
    assert paths(open_archive(data, "材料.zip")) == ["发布稿.docx"]


def test_stale_unicode_path_extra_field_is_ignored() -> None:
    data = zip_with_unicode_path_extra("图片.docx".encode("gbk"), "发布稿.docx", b"a",
                                       crc_of="问答.docx".encode("gbk"))
    assert paths(open_archive(data, "材料.zip")) == ["图片.docx"]


def test_backslash_separators_become_folders() -> None:
    data = zip_with_raw_names([("材料\\发布稿.docx".encode("gbk"), b"a")])
    assert paths(open_archive(data, "材料.zip")) == ["材料/发布稿.docx"]


def test_sevenzip_chinese_names() -> None:
    data = sevenzip([("材料/新闻发布稿.docx", b"a" * 500), ("图片1.jpg", b"j")])
    members = open_archive(data, "材料.7z")
    assert members == [Member("材料/新闻发布稿.docx", b"a" * 500, "材料.7z"),
                       Member("图片1.jpg", b"j", "材料.7z")]


# --- unsafe names ----------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "../../evil.txt",
    "材料/../../evil.txt",
    "C:\\evil.txt",
    "/etc/passwd",
    "\\\\server\\share\\evil.txt",
    "evil\x00.txt",
    "材料/d:evil.txt",
])
def test_unsafe_name_rejects_the_whole_package(name: str) -> None:
    data = zip_with_raw_names([("发布稿.docx".encode("gbk"), b"fine"),
                               (name.encode("gbk"), b"evil")])
    with pytest.raises(ArchiveRejected) as info:
        open_archive(data, "材料.zip")
    shown = name.replace("\x00", "\\x00")
    assert str(info.value) == f"材料.zip：压缩包内文件名不安全：{shown}，请重新打包发送"
    assert info.value.file == "材料.zip"
    assert "unsafe file name" in info.value.render("en")


def test_unsafe_name_in_7z() -> None:
    data = sevenzip([("../evil.txt", b"x")], unchecked_names=True)
    with pytest.raises(ArchiveRejected, match=r"文件名不安全：\.\./evil\.txt"):
        open_archive(data, "材料.7z")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4, unique=True))
def test_any_name_is_either_refused_or_made_safe(names: list[str]) -> None:
    data = zip_with_raw_names([(n.encode("utf-8"), b"x") for n in names], utf8_flag=True)
    try:
        members = open_archive(data, "p.zip")
    except ArchiveRejected:
        return
    for m in members:
        parts = m.path.split("/")
        assert m.path and not m.path.startswith("/") and "\\" not in m.path
        assert ".." not in parts and "" not in parts
        assert not any(ord(c) < 0x20 for c in m.path)
        assert not any(re.match(r"[A-Za-z]:", part) for part in parts)  # drive letters


def test_duplicate_names_are_refused() -> None:
    data = zip_with_raw_names([(b"a/b.docx", b"1"), (b"a\\b.docx", b"2")])
    with pytest.raises(ArchiveRejected, match=r"重名文件：a/b\.docx"):
        open_archive(data, "材料.zip")


def test_symbolic_links_are_not_materials() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("快捷方式")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("发布稿.docx", b"a")
    assert paths(open_archive(buf.getvalue(), "材料.zip")) == ["发布稿.docx"]


# --- nesting ---------------------------------------------------------------------------

def test_zip_inside_zip_is_opened_and_documents_stay_documents() -> None:
    document = docx_bytes()
    inner = windows_zip([("问答.docx", document)])
    inner7z = sevenzip([("视频说明.txt", b"v")])
    outer = utf8_zip([("内层.zip", inner), ("图片/图片1.jpg", b"j"), ("附件/内层.7z", inner7z),
                      ("登记表.docx", document)])
    members = open_archive(outer, "外层.zip")
    assert members == [
        Member("问答.docx", document, "外层.zip/内层.zip"),
        Member("图片/图片1.jpg", b"j", "外层.zip"),
        Member("视频说明.txt", b"v", "外层.zip/附件/内层.7z"),
        Member("登记表.docx", document, "外层.zip"),
    ]


def test_third_level_of_nesting_is_refused() -> None:
    level3 = utf8_zip([("发布稿.docx", b"a")])
    level2 = utf8_zip([("内层.zip", level3)])
    level1 = utf8_zip([("中层.zip", level2)])
    assert paths(open_archive(level2, "中层.zip")) == ["发布稿.docx"]
    with pytest.raises(ArchiveRejected) as info:
        open_archive(level1, "外层.zip")
    assert info.value.file == "外层.zip/中层.zip/内层.zip"
    assert "第 3 层" in str(info.value) and "最多允许 2 层" in str(info.value)


def test_limits_count_all_levels_together() -> None:
    inner = utf8_zip([("a.txt", b"a"), ("b.txt", b"b")])
    outer = utf8_zip([("内层.zip", inner), ("c.txt", b"c")])
    assert len(open_archive(outer, "外层.zip", ArchiveLimits(max_entries=4))) == 3
    with pytest.raises(ArchiveRejected, match="共有 4 项"):
        open_archive(outer, "外层.zip", ArchiveLimits(max_entries=3))


# --- size limits and bombs -------------------------------------------------------------

@pytest.fixture(scope="module")
def bomb() -> bytes:
    """256 MB of zeros in a ~250 KB zip: over 1000-to-1."""
    return zeros_zip("发布稿.docx", 256 * MiB)


def _peak_memory_and_time(call: object) -> tuple[BaseException, int, float]:
    assert callable(call)
    tracemalloc.start()
    started = time.monotonic()
    try:
        call()
    except BaseException as exc:
        error = exc
    else:
        raise AssertionError("no error raised")
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak, elapsed


def test_zip_bomb_is_refused_without_inflating_it(bomb: bytes) -> None:
    assert len(bomb) < 2 * MiB
    error, peak, elapsed = _peak_memory_and_time(lambda: open_archive(bomb, "材料.zip"))
    assert isinstance(error, ArchiveRejected)
    assert "压缩炸弹" in str(error) and "超过上限 200 倍" in str(error)
    assert error.file == "材料.zip"
    assert peak < 16 * MiB
    assert elapsed < 2


def test_bomb_with_lying_headers_stops_at_the_declared_size(bomb: bytes) -> None:
    lying = lie_about_size(bomb, 1 * MiB)  # headers now claim 1 MB: the ratio check passes
    error, peak, _ = _peak_memory_and_time(lambda: open_archive(lying, "材料.zip"))
    assert isinstance(error, ParseError)
    assert error.file == "材料.zip"
    assert peak < 16 * MiB


def test_reading_stops_at_the_cap_whatever_the_stream_yields() -> None:
    """A backend that yields more than its headers said is cut off by the sink itself."""

    class Endless:
        produced = 0

        def read(self, n: int = -1, /) -> bytes:
            self.produced += n
            return b"\0" * n

    limits = ArchiveLimits(max_member_bytes=2 * MiB, max_ratio=10**9)
    scope = _Scope(_Budget(limits), "材料.zip", packed_size=1000, depth=1)
    entry = _Entry("发布稿.docx", "发布稿.docx", False, False, 10, 1000, False, None)
    stream = Endless()
    with pytest.raises(ArchiveRejected, match="超过单个文件上限 2 MB"):
        _drain(stream, _Sink(scope, entry))
    assert stream.produced <= 3 * MiB


def test_total_size_limit_states_the_sizes() -> None:
    members = [(f"视频{i}.mp4", os.urandom(40 * KiB)) for i in range(3)]
    with pytest.raises(ArchiveRejected) as info:
        open_archive(utf8_zip(members), "材料.zip", ArchiveLimits(max_total_bytes=100 * KiB))
    assert str(info.value) == "材料.zip：压缩包解压后共 120 KB，超过上限 100 KB"
    assert "the package unpacks to more than the limit of 100 KB (120 KB)" in (
        info.value.render("en"))


def test_declared_total_over_a_gigabyte_is_refused_before_reading() -> None:
    """Three 400 MB videos: each under the per-file limit, together over 1 GB."""
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zf:
        for i in range(3):
            zf.writestr(f"视频{i}.mp4", os.urandom(1000))
    data = lie_about_size(stored.getvalue(), 400 * MiB)
    with pytest.raises(ArchiveRejected) as info:
        open_archive(data, "材料.zip", ArchiveLimits(max_ratio=10**9))
    assert str(info.value) == "材料.zip：压缩包解压后共 1.2 GB，超过上限 1 GB"


def test_member_repr_leaves_out_the_bytes() -> None:
    assert "data" not in repr(Member("视频.mp4", b"\0" * 1000, "材料.zip"))


def test_single_member_limit() -> None:
    data = utf8_zip([("视频.mp4", os.urandom(300 * KiB))])
    with pytest.raises(ArchiveRejected) as info:
        open_archive(data, "材料.zip", ArchiveLimits(max_member_bytes=200 * KiB))
    assert "视频.mp4 解压后共 300 KB，超过单个文件上限 200 KB" in str(info.value)
    assert info.value.render("en") == ("材料.zip: member 视频.mp4 unpacks to more than the "
                                       "per-file limit of 200 KB (300 KB)")
    assert info.value.message.params == {"name": "视频.mp4", "limit": "200 KB",
                                         "amount": {"key": "archive.amount", "zh": "共 300 KB，",
                                                    "en": " (300 KB)",
                                                    "params": {"size": "300 KB"}}}


def test_overall_ratio_catches_many_small_bombs() -> None:
    """Each member stays under the size where its own ratio is judged; the package does not."""
    data = utf8_zip([(f"{i}.txt", b"\0" * (900 * KiB)) for i in range(20)])
    with pytest.raises(ArchiveRejected, match="整体压缩比") as info:
        open_archive(data, "材料.zip")
    assert re.search(r"整体压缩比达到 \d+ 倍，超过上限 200 倍", str(info.value))
    assert re.search(r"the package is compressed \d+:1, over the limit of 200:1",
                     info.value.render("en"))


def test_small_very_compressible_files_are_fine() -> None:
    blank_form = " " * (200 * KiB)  # a blank text form compresses 500-fold
    members = open_archive(utf8_zip([("登记表.txt", blank_form.encode())]), "材料.zip")
    assert members[0].data == blank_form.encode()


def test_too_many_entries() -> None:
    data = utf8_zip([(f"图片{i}.jpg", b"j") for i in range(1001)])
    with pytest.raises(ArchiveRejected) as info:
        open_archive(data, "材料.zip")
    assert "共有 1001 项" in str(info.value) and "超过上限 1000 项" in str(info.value)
    assert len(open_archive(data[:], "材料.zip", ArchiveLimits(max_entries=1001))) == 1001


# --- passwords -------------------------------------------------------------------------

PASSWORD_MESSAGE = "压缩包有密码保护，无法打开，请发送未加密的文件"


def test_zip_with_encryption_flag_is_refused() -> None:
    data = zip_with_raw_names([(b"a.docx", b"x")], extra_flags=0x1)
    with pytest.raises(ArchiveRejected) as info:
        open_archive(data, "材料.zip")
    assert str(info.value) == f"材料.zip：{PASSWORD_MESSAGE}"


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP `zip` is not installed")
def test_zip_made_with_a_password_by_info_zip(tmp_path: Path) -> None:
    (tmp_path / "fabugao.txt").write_text("新闻发布稿", encoding="utf-8")
    subprocess.run(["zip", "-q", "-P", "secret", "p.zip", "fabugao.txt"], cwd=tmp_path,
                   check=True)
    with pytest.raises(ArchiveRejected, match=PASSWORD_MESSAGE):
        open_archive((tmp_path / "p.zip").read_bytes(), "材料.zip")


@pytest.mark.parametrize("header_encryption", [False, True])
def test_7z_with_a_password_is_refused(header_encryption: bool) -> None:
    data = sevenzip([("发布稿.docx", b"secret")], password="pw",
                    header_encryption=header_encryption)
    with pytest.raises(ArchiveRejected, match=PASSWORD_MESSAGE):
        open_archive(data, "材料.7z")


@needs_rar_tool
def test_rar_with_a_password_is_refused() -> None:
    with pytest.raises(ArchiveRejected, match=PASSWORD_MESSAGE):
        open_archive(rar5_stored([("发布稿.docx", b"secret")], encrypted=True), "材料.rar")


# --- damage and unsupported kinds ------------------------------------------------------

def test_truncated_zip_names_the_file() -> None:
    data = windows_zip([("发布稿.docx", os.urandom(4000))])
    with pytest.raises(ParseError) as info:
        open_archive(data[: len(data) // 2], "材料.zip")
    assert not isinstance(info.value, UnsupportedFormat)
    assert str(info.value) == "材料.zip：压缩包已损坏或不完整，无法打开，请重新打包发送"
    english = info.value.render("en")
    assert english.startswith("材料.zip: the package is damaged or incomplete and cannot be "
                              "opened (")  # with the zip library's own words, in English only
    assert english.endswith("; please repackage and send it again")
    assert info.value.message.key == "archive.damaged"


def test_corrupted_member_data_is_a_parse_error() -> None:
    data = bytearray(utf8_zip([("发布稿.txt", "新闻发布会".encode() * 2000)]))
    data[100:110] = b"\xff" * 10
    with pytest.raises(ParseError, match="已损坏"):
        open_archive(bytes(data), "材料.zip")


def test_truncated_7z_is_a_parse_error() -> None:
    data = sevenzip([("发布稿.docx", os.urandom(3000))])
    with pytest.raises(ParseError, match="已损坏") as info:
        open_archive(data[:-40], "材料.7z")
    assert info.value.file == "材料.7z"


def test_zip_with_bzip2_is_unsupported_with_a_way_out() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("发布稿.docx", b"a" * 100)
    with pytest.raises(UnsupportedFormat, match=r"bzip2.*Deflate"):
        open_archive(buf.getvalue(), "材料.zip")


@pytest.mark.parametrize(("module", "kind", "data"), [
    ("py7zr", "7z", sevenzip([("a.txt", b"x")])),
    ("rarfile", "rar", rar5_stored([("a.txt", b"x")])),
])
def test_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch, module: str,
                                            kind: str, data: bytes) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now fails as if not installed
    with pytest.raises(UnsupportedFormat) as info:
        open_archive(data, f"材料.{kind}")
    assert f"pip install 'pressdocs[{kind}]'" in str(info.value)
    assert f"pip install 'pressdocs[{kind}]'" in info.value.render("en")


# --- rar -------------------------------------------------------------------------------

RAR_MEMBERS = [("材料/", b""), ("材料/新闻发布稿.docx", "新闻发布会".encode() * 100),
               ("图片1.jpg", b"\xff\xd8\xff" + os.urandom(500))]


@pytest.mark.skipif(shutil.which("unar") is None, reason="unar is not installed")
def test_rar_fixture_is_a_real_rar_for_unar(tmp_path: Path) -> None:
    """The hand-built RAR is read by an independent implementation (The Unarchiver)."""
    (tmp_path / "p.rar").write_bytes(rar5_stored(RAR_MEMBERS))
    subprocess.run(["unar", "-q", "-o", "out", "p.rar"], cwd=tmp_path, check=True)
    root = tmp_path / "out" / "p"
    assert (root / "材料" / "新闻发布稿.docx").read_bytes() == RAR_MEMBERS[1][1]
    assert (root / "图片1.jpg").read_bytes() == RAR_MEMBERS[2][1]


@needs_rar_tool
def test_rar_with_chinese_names() -> None:
    members = open_archive(rar5_stored(RAR_MEMBERS), "材料.rar")
    assert members == [Member("材料/新闻发布稿.docx", RAR_MEMBERS[1][1], "材料.rar"),
                       Member("图片1.jpg", RAR_MEMBERS[2][1], "材料.rar")]


@needs_rar_tool
def test_rar_inside_zip_and_unsafe_rar_name() -> None:
    outer = utf8_zip([("内层.rar", rar5_stored([("问答.docx", b"q")]))])
    assert open_archive(outer, "外层.zip") == [Member("问答.docx", b"q", "外层.zip/内层.rar")]
    with pytest.raises(ArchiveRejected, match="文件名不安全"):
        open_archive(rar5_stored([("../../evil.txt", b"x")]), "材料.rar")


@needs_rar_tool
def test_truncated_rar_is_a_parse_error() -> None:
    data = rar5_stored([("发布稿.docx", os.urandom(2000))])
    with pytest.raises(ParseError, match="已损坏"):
        open_archive(data[:-100], "材料.rar")


def test_rar_without_any_tool_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for tool in ("UNRAR_TOOL", "UNAR_TOOL", "BSDTAR_TOOL", "SEVENZIP_TOOL", "SEVENZIP2_TOOL"):
        monkeypatch.setattr(rarfile, tool, "/nonexistent/pressdocs-no-such-tool")
    monkeypatch.setattr(rarfile, "CURRENT_SETUP", None)
    with pytest.raises(UnsupportedFormat) as info:
        open_archive(rar5_stored([("发布稿.docx", b"a")]), "材料.rar")
    assert str(info.value) == (
        "材料.rar：无法打开 .rar 压缩包：本机未安装解压工具（请安装 unar 或 bsdtar）")
    assert info.value.render("en") == (
        "材料.rar: cannot open the .rar package: no extraction tool is installed here "
        "(install unar or bsdtar)")


def test_raw_name_zipinfo_fixture_really_clears_the_utf8_flag() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(RawNameZipInfo("登记表.docx".encode("gbk")), b"x")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        (info,) = zf.infolist()
    assert info.flag_bits & 0x800 == 0
    assert info.orig_filename.encode("cp437") == "登记表.docx".encode("gbk")


# --- large packages: read from their file, large members written to the store ----------

VIDEO_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"


def _video(size: int, seed: int = 5) -> bytes:
    import random

    return VIDEO_HEAD + random.Random(seed).randbytes(size - len(VIDEO_HEAD))


def _builders() -> list[object]:
    made = [pytest.param(utf8_zip, id="zip"), pytest.param(sevenzip, id="7z")]
    return [*made, pytest.param(rar5_stored, id="rar", marks=needs_rar_tool)]


def _store_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("build", _builders())
def test_a_package_on_disk_reads_as_its_bytes(tmp_path: Path, build: object) -> None:
    package = build([("材料/登记表.docx", docx_bytes()),  # type: ignore[operator]
                     ("材料/图片1.jpg", b"\xff\xd8\xff\xe0jpeg")])
    path = tmp_path / "材料.pkg"
    path.write_bytes(package)
    assert open_archive(path, "材料.zip") == open_archive(package, "材料.zip")


@pytest.mark.parametrize("build", _builders())
def test_large_members_go_to_the_store_and_only_their_ends_stay(tmp_path: Path,
                                                               build: object) -> None:
    from pressdocs._archives import open_package
    from pressdocs.store.blobs import BlobStore

    video, document = _video(3 * MiB), docx_bytes()
    package = build([("登记表.docx", document), ("现场视频.mp4", video)])  # type: ignore[operator]
    store = BlobStore(tmp_path / "blobs")
    opened = open_package(package, "材料.zip", store=store)
    small, large = opened.members
    assert (small.path, small.data, small.stored) == ("登记表.docx", document, False)
    assert large.path == "现场视频.mp4" and large.stored and large.size == len(video)
    assert large.data == video[:64 * KiB] and large.tail == video[-4 * KiB:]
    assert store.path(large.sha256).read_bytes() == video
    assert _store_files(store.root) == [str(store.path(large.sha256).relative_to(store.root))]


def test_a_package_inside_a_large_member_is_opened_from_its_blob(tmp_path: Path) -> None:
    from pressdocs._archives import open_package
    from pressdocs.store.blobs import BlobStore

    document = docx_bytes()
    buf = io.BytesIO()  # a stored zip, larger than what is kept in memory
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("问答.docx", document)
        zf.writestr("现场视频.mp4", _video(3 * MiB))
    outer = utf8_zip([("内层.zip", buf.getvalue()), ("登记表.docx", document)])
    opened = open_package(outer, "外层.zip", store=BlobStore(tmp_path / "blobs"))
    assert [(m.path, m.container, m.package, m.stored) for m in opened.members] == [
        ("内层.zip", "外层.zip", True, True),
        ("问答.docx", "外层.zip/内层.zip", False, False),
        ("现场视频.mp4", "外层.zip/内层.zip", False, True),
        ("登记表.docx", "外层.zip", False, False),
    ]


def test_a_refused_package_leaves_nothing_in_the_store(tmp_path: Path) -> None:
    from pressdocs._archives import open_package
    from pressdocs.store.blobs import BlobStore

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("现场视频.mp4", _video(3 * MiB))
        zf.writestr("发布稿.txt", b"hello " * 100)
    package = bytearray(buf.getvalue())
    at = package.rfind(b"hello hello")
    package[at] ^= 0xFF  # the second member's bytes no longer match its CRC
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(ParseError) as caught:
        open_package(bytes(package), "材料.zip", store=store)
    assert caught.value.render("zh").startswith("材料.zip")
    assert _store_files(store.root) == []  # the video begun in the store was dropped
