"""Header decoding: subjects, sender names and attachment names as Chinese clients write them."""

from __future__ import annotations

import base64
from email.header import Header
from email.message import Message
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailcorpus import b_words, q_words
from pressdocs.mail.headers import (
    RAW_POLICY,
    attachment_filename,
    decode_address,
    decode_base64,
    decode_bytes,
    decode_header,
    normalize_charset,
)

REGISTRATION = "关于召开2021年一季度全市经济运行情况新闻发布会的登记表.docx"
GBK_ONLY = "市财政局（喆）材料.zip"  # 喆 is GBK, not GB2312


def b64(text: str, codec: str) -> str:
    return base64.b64encode(text.encode(codec)).decode()


def part_with(headers: str) -> Message:
    raw = headers.encode("utf-8", "surrogateescape") if isinstance(headers, str) else headers
    return BytesParser(policy=RAW_POLICY).parsebytes(raw + b"\r\n\r\nxx")


# --- RFC 2047 words -----------------------------------------------------------------------


def test_utf8_b_word() -> None:
    assert decode_header(f"=?UTF-8?B?{b64('发布稿.docx', 'utf-8')}?=").text == "发布稿.docx"


def test_gb2312_label_with_gbk_only_characters_is_read_as_gb18030() -> None:
    word = f"=?GB2312?B?{b64('张喆、朱镕基', 'gbk')}?="
    with pytest.raises(UnicodeDecodeError):
        base64.b64decode(word[11:-2]).decode("gb2312")  # what a strict decoder would do
    decoded = decode_header(word)
    assert decoded.text == "张喆、朱镕基"
    assert decoded.charsets == ("gb18030",)


@pytest.mark.parametrize("label", ["gb2312", "GBK", "gb18030", "cp936", "x-gbk", "euc-cn",
                                   "eucgb2312_cn", "GB_2312-80"])
def test_every_gb_label_decodes_gbk_bytes(label: str) -> None:
    assert decode_header(f"=?{label}?B?{b64(GBK_ONLY, 'gbk')}?=").text == GBK_ONLY


def test_q_word_with_underscore_for_space() -> None:
    assert decode_header("=?gb2312?Q?=B7=A2=B2=BC=B8=E5_v2.docx?=").text == "发布稿 v2.docx"


def test_b_word_split_in_the_middle_of_a_character() -> None:
    data = REGISTRATION.encode("gbk")
    first, second = data[:7], data[7:]  # byte 7 is inside a two-byte character
    with pytest.raises(UnicodeDecodeError):
        first.decode("gbk")
    raw = (f"=?gb2312?B?{base64.b64encode(first).decode()}?=\r\n"
           f" =?gb2312?B?{base64.b64encode(second).decode()}?=")
    assert decode_header(raw).text == REGISTRATION


def test_q_word_split_in_the_middle_of_a_character() -> None:
    words = q_words("【市统计局】新闻发布会登记表及材料", "gb2312", "gb18030", 13)
    assert len(words) > 2
    assert decode_header("\r\n\t".join(words)).text == "【市统计局】新闻发布会登记表及材料"


def test_utf8_word_split_in_the_middle_of_a_character() -> None:
    words = b_words("新闻发布会登记表", "utf-8", "utf-8", 4, mid_char=True)
    assert decode_header(" ".join(words)).text == "新闻发布会登记表"


def test_split_words_labelled_gb2312_and_gbk_still_join() -> None:
    data = "发布稿（喆）.docx".encode("gbk")
    raw = (f"=?gb2312?B?{base64.b64encode(data[:3]).decode()}?= "
           f"=?GBK?Q?{''.join(f'={b:02X}' for b in data[3:])}?=")
    assert decode_header(raw).text == "发布稿（喆）.docx"


def test_whitespace_between_words_is_dropped_but_kept_next_to_plain_text() -> None:
    raw = f"Re: =?utf-8?B?{b64('发布', 'utf-8')}?=  \t =?utf-8?B?{b64('稿', 'utf-8')}?= v2"
    assert decode_header(raw).text == "Re: 发布稿 v2"


def test_folded_plain_header() -> None:
    assert decode_header("Re: the long\r\n\tsubject").text == "Re: the long\tsubject"


def test_language_suffix_in_charset() -> None:
    assert decode_header(f"=?gb2312*zh-cn?B?{b64('问答', 'gbk')}?=").text == "问答"


def test_missing_base64_padding() -> None:
    encoded = b64("问答.doc", "gbk").rstrip("=")
    assert decode_header(f"=?gbk?B?{encoded}?=").text == "问答.doc"


def test_word_labelled_utf8_holding_gbk_falls_back() -> None:
    decoded = decode_header(f"=?utf-8?B?{b64('登记表', 'gbk')}?=")
    assert decoded.text == "登记表"
    assert decoded.charsets == ("gb18030",)


@pytest.mark.parametrize("label", ["x-unknown", "unknown-8bit", "foo-bar", "gb-bogus"])
def test_unknown_charset_falls_back(label: str) -> None:
    assert decode_header(f"=?{label}?B?{b64('图片1.jpg', 'gbk')}?=").text == "图片1.jpg"
    assert decode_header(f"=?{label}?B?{b64('图片1.jpg', 'utf-8')}?=").text == "图片1.jpg"


def test_broken_base64_word_is_kept_as_text() -> None:
    assert decode_header("=?utf-8?B?####?= tail").text == "=?utf-8?B?####?= tail"


def test_bytes_nothing_can_decode_are_replaced_not_raised() -> None:
    decoded = decode_header(b"\xff\xfe\x80abc")
    assert decoded.text.endswith("abc")
    assert "\ufffd" in decoded.text
    assert decoded.lossy


# --- raw 8-bit ----------------------------------------------------------------------------


def test_raw_gbk_bytes() -> None:
    raw = "【市统计局】新闻发布会登记表".encode("gbk")
    decoded = decode_header(raw)
    assert decoded.text == "【市统计局】新闻发布会登记表"
    assert decoded.raw == raw
    assert decoded.charsets == ("gb18030",)


def test_raw_utf8_bytes() -> None:
    assert decode_header("发布稿（喆）".encode()).text == "发布稿（喆）"


@pytest.mark.parametrize("name", ["图片1.jpg", "小.doc", "谢.docx", "位.doc", "掳.doc"])
def test_short_gbk_that_is_also_valid_utf8_reads_as_chinese(name: str) -> None:
    data = name.encode("gbk")
    data.decode("utf-8")  # valid UTF-8 as well: ͼƬ1.jpg, С.doc, л.docx …
    assert decode_header(data).text == name
    assert decode_bytes(data, None) == (name, "gb18030")


@pytest.mark.parametrize("name", ["Müller.docx", "café.doc", "阿卜杜·热合曼.docx", "张喆.docx",
                                  "36.5°.txt", "3×4.doc", "㐀.doc"])
def test_utf8_that_gb18030_could_also_read_stays_utf8(name: str) -> None:
    assert decode_header(name.encode()).text == name


def test_raw_gbk_as_a_parser_stores_it() -> None:
    stored = "问答.doc".encode("gbk").decode("ascii", "surrogateescape")
    decoded = decode_header(stored)
    assert decoded.text == "问答.doc"
    assert decoded.raw == "问答.doc".encode("gbk")


def test_mixed_raw_bytes_and_encoded_words() -> None:
    raw = "转发：".encode("gbk") + f"=?utf-8?B?{b64('发布稿', 'utf-8')}?=".encode()
    assert decode_header(raw).text == "转发：发布稿"


def test_header_object_and_none() -> None:
    assert decode_header(Header("登记表.docx", "gb18030")).text == "登记表.docx"
    assert decode_header(None).text == ""
    assert decode_header("").charsets == ()


def test_raw_is_the_original_bytes() -> None:
    raw = f"=?gb2312?B?{b64('发布稿', 'gbk')}?=\r\n =?gb2312?B?{b64('.docx', 'gbk')}?="
    decoded = decode_header(raw)
    assert decoded.raw == raw.encode()
    assert decoded.text == "发布稿.docx"


# --- charsets and bodies ------------------------------------------------------------------


def test_decode_base64_notices_truncation() -> None:
    assert decode_base64(b"5Y+R5biD\r\n56i/") == ("发布稿".encode(), True)
    assert decode_base64(b"5Y+R5biD56") == ("发布".encode() + b"\xe7", False)
    assert decode_base64(b"5Y+R5biD5") == ("发布".encode(), False)
    assert decode_base64(b"udg=09o=")[0] == "关于".encode("gbk")  # padding inside, per word


def test_normalize_charset() -> None:
    assert normalize_charset("GB2312") == "gb18030"
    assert normalize_charset('"gbk"') == "gb18030"
    assert normalize_charset("UTF8") == "utf-8"
    assert normalize_charset("x-unknown") is None
    assert normalize_charset(None) is None


def test_decode_bytes_fallback_order() -> None:
    assert decode_bytes("镕".encode("gbk"), "gb2312") == ("镕", "gb18030")
    assert decode_bytes("镕".encode(), None) == ("镕", "utf-8")
    assert decode_bytes("镕".encode("gbk"), None) == ("镕", "gb18030")
    assert decode_bytes("\ufeff正文".encode(), "utf-8") == ("正文", "utf-8")


# --- addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        f'"=?GB2312?B?{b64("市统计局办公室", "gbk")}?=" <tjj_bgs@wuhu.gov.cn>',
        "=?gb2312?Q?=CA=D0=CD=B3=BC=C6=BE?=\r\n\t=?gb2312?Q?=D6=B0=EC=B9=AB=CA=D2?="
        " <tjj_bgs@wuhu.gov.cn>",
        "市统计局办公室 <tjj_bgs@wuhu.gov.cn>".encode("gbk"),
        '"市统计局办公室" <tjj_bgs@wuhu.gov.cn>'.encode(),
        "tjj_bgs@wuhu.gov.cn (市统计局办公室)",
    ],
)
def test_decode_address(raw: str | bytes) -> None:
    assert decode_address(raw) == ("市统计局办公室", "tjj_bgs@wuhu.gov.cn")


def test_decode_address_without_name_or_with_several() -> None:
    assert decode_address("whxwtg@163.com") == ("", "whxwtg@163.com")
    assert decode_address("<whxwtg@163.com>") == ("", "whxwtg@163.com")
    assert decode_address('"Zhang, Min" <zm@wuhu.gov.cn>') == ("Zhang, Min", "zm@wuhu.gov.cn")
    assert decode_address("a@x.cn, b@y.cn") == ("", "a@x.cn")
    assert decode_address("") == ("", "")


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_an_address_in_raw_8_bit_is_text(charset: str) -> None:
    # 中文邮箱 (RFC 6531) and careless gateways: the address is decoded like a name, never
    # left as the surrogate escapes the parser keeps raw bytes as (no database takes those)
    raw = "王芳 <王芳@芜湖.中国>".encode(charset).decode("ascii", "surrogateescape")
    assert decode_address(raw) == ("王芳", "王芳@芜湖.中国")
    assert decode_address("王芳@芜湖.中国".encode(charset)) == ("", "王芳@芜湖.中国")


# --- attachment names ---------------------------------------------------------------------


def test_foxmail_encoded_word_inside_quoted_filename() -> None:
    word = f"=?gb2312?B?{b64(GBK_ONLY, 'gbk')}?="
    part = part_with(f'Content-Type: application/x-zip-compressed;\r\n\tname="{word}"\r\n'
                     f'Content-Disposition: attachment;\r\n\tfilename="{word}"')
    assert part.get_filename() == word  # the stdlib hands the word back raw
    assert attachment_filename(part) == GBK_ONLY


def test_outlook_folded_words_inside_quotes() -> None:
    words = "\r\n\t".join(q_words(REGISTRATION, "gb2312", "gb18030", 17))
    part = part_with(f'Content-Disposition: attachment;\r\n\tfilename="{words}"')
    assert attachment_filename(part) == REGISTRATION


def test_rfc2231_gbk() -> None:
    part = part_with("Content-Disposition: attachment; filename*=gbk''%B5%C7%BC%C7%B1%ED.docx")
    assert attachment_filename(part) == "登记表.docx"


def test_rfc2231_continuations_with_gb2312_label_and_gbk_only_character() -> None:
    encoded = "".join(f"%{b:02X}" for b in GBK_ONLY.encode("gbk"))
    part = part_with(
        "Content-Disposition: attachment;\r\n"
        f"\tfilename*0*=gb2312''{encoded[:9]};\r\n"  # 3 bytes: cuts 财 in two
        f"\tfilename*1*={encoded[9:33]};\r\n"
        f"\tfilename*2*={encoded[33:]}"
    )
    assert attachment_filename(part) == GBK_ONLY


def test_rfc2231_is_preferred_over_a_plain_fallback() -> None:
    part = part_with('Content-Disposition: attachment; filename="___.docx";\r\n'
                     "\tfilename*=UTF-8''%E5%8F%91%E5%B8%83%E7%A8%BF.docx")
    assert attachment_filename(part) == "发布稿.docx"


def test_rfc2231_without_charset_guesses() -> None:
    part = part_with("Content-Disposition: attachment; filename*=''%CE%CA%B4%F0.doc")
    assert attachment_filename(part) == "问答.doc"


def test_raw_gbk_filename() -> None:
    part = part_with(b'Content-Disposition: attachment; filename="' + "问答.doc".encode("gbk")
                     + b'"')
    assert attachment_filename(part) == "问答.doc"


def test_name_from_content_type_when_disposition_has_none() -> None:
    part = part_with(f'Content-Type: application/msword; name="=?GBK?B?{b64("问答.doc", "gbk")}?="'
                     "\r\nContent-Disposition: attachment")
    assert attachment_filename(part) == "问答.doc"


def test_windows_path_is_reduced_to_the_file_name() -> None:
    part = part_with('Content-Disposition: attachment; filename="C:\\\\Users\\\\tjj\\\\Desktop\\\\'
                     f'=?utf-8?B?{b64("发布稿.docx", "utf-8")}?="')
    assert attachment_filename(part) == "发布稿.docx"


def test_no_name() -> None:
    assert attachment_filename(part_with("Content-Type: text/plain")) == ""


def test_part_parsed_with_the_default_compat32_policy() -> None:
    raw = b'Content-Disposition: attachment; filename="' + "问答.doc".encode("gbk") + b'"'
    part = BytesParser().parsebytes(raw + b"\r\n\r\nxx")
    assert "\ufffd" in part.get_filename()  # compat32 itself loses the name
    assert attachment_filename(part) == "问答.doc"


# --- properties ---------------------------------------------------------------------------

_GBK_ONLY_CHARS = "喆镕堃玥珺昇頔犇淼琍昺晔"
_name_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from(list(_GBK_ONLY_CHARS + "（）【】《》“”、，。—·_-. ")),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="/\\"),
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"),
                  blacklist_characters="/\\"),
)
# A file name never holds a path separator (a sent path is cut to its last part).
file_names = st.builds(
    lambda stem, ext: f"{stem.strip() or '材料'}.{ext}",
    st.text(_name_chars, min_size=1, max_size=60),
    st.sampled_from(["docx", "doc", "wps", "zip", "jpg", "pdf", "xlsx"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(name=file_names, charset=st.sampled_from(["gb18030", "utf-8"]),
       maxlinelen=st.integers(min_value=1, max_value=200))
def test_stdlib_encoded_names_are_recovered(name: str, charset: str, maxlinelen: int) -> None:
    encoded = Header(name, charset, maxlinelen=maxlinelen).encode()
    assert decode_header(encoded).text == name
    part = part_with(f'Content-Disposition: attachment;\r\n filename="{encoded}"')
    assert attachment_filename(part) == name


_gbk_names = file_names.filter(lambda n: _encodes(n, "gbk"))


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=200)
@given(name=_gbk_names, size=st.integers(min_value=1, max_value=40),
       label=st.sampled_from(["gb2312", "GBK", "gb18030"]), q=st.booleans())
def test_names_cut_anywhere_are_recovered(name: str, size: int, label: str, q: bool) -> None:
    words = q_words(name, label, "gbk", size) if q else b_words(
        name, label, "gbk", size, mid_char=True
    )
    assert decode_header("\r\n\t".join(words)).text == name
