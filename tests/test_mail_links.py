"""Files sent as download links: 163 超大附件 and QQ 中转站 blocks in message bodies."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mailcorpus as corpus
from pressdocs.mail.links import find_linked_files, parse_size
from pressdocs.models import LinkedFile

TZ = corpus.SHANGHAI

# The shape of a real 163 message of 2011 (fs.163.com links): icon link, name link with
# the grey note, 下载 link.  ``title`` is NOT the file name here.
OLD_163 = """
<div style="background:rgb(222,232,242);padding:4px;clear:both;font-family:verdana,Arial,Helvetica,sans-serif;margin-top:10px;margin-bottom:15px">
<div style="padding:4px 8px 8px;line-height:16px;font-size:14px"><b>从网易163邮箱发来的超大附件</b></div><div style="background:rgb(255,255,255);padding:4px">
<div style="padding:6px 4px;min-height:36px;clear:both">
<div style="width:36px;float:left">
<a href="http://fs.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&amp;file=Xt9C6OiQlThxcHl1&amp;title=%E5%8F%91%E5%B8%83%E4%BC%9A%E8%B5%84%E6%96%99" target="_blank">
<img src="cid:ico-bfile-6.gif"  border="0"></a></div>
<div><div style="padding:0px;line-height:14px;font-size:12px">
<a style="color:rgb(0,0,0);text-decoration:none" href="http://fs.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&amp;file=Xt9C6OiQlThxcHl1&amp;title=%E5%8F%91%E5%B8%83%E4%BC%9A%E8%B5%84%E6%96%99" target="_blank">发布会现场视频.mp4</a>     <span style="color:rgb(187,187,187)"> (80.96M, 2021年3月1日 10:00 到期)</span> </div>
<div style="padding:4px 0px;line-height:14px;font-size:12px"> <a href="http://fs.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&amp;file=Xt9C6OiQlThxcHl1&amp;title=%E5%8F%91%E5%B8%83%E4%BC%9A%E8%B5%84%E6%96%99" target="_blank">下载</a></div>
</div></div></div></div>
"""


def test_old_163_block() -> None:
    [found] = find_linked_files(OLD_163)
    assert found == LinkedFile(
        name="发布会现场视频.mp4",
        url="http://fs.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&file=Xt9C6OiQlThxcHl1"
            "&title=%E5%8F%91%E5%B8%83%E4%BC%9A%E8%B5%84%E6%96%99",
        size=round(80.96 * 1024 * 1024),
        size_text="80.96M",
        expires=datetime(2021, 3, 1, 10, 0, tzinfo=TZ),
        provider="163",
    )
    assert found.expires is not None and found.expires.utcoffset() is not None


def test_163_title_names_the_file_only_when_nothing_else_does() -> None:
    icon_only = (
        '<a href="https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-'
        'ATTACHMENT&amp;file=abc&amp;title=%E5%8F%91%E5%B8%83%E7%A8%BF.docx"><img src="x.gif"></a>'
        '<span style="color:#bbb"> (1.5M, 2021年3月1日 10:00 到期)</span>'
    )
    [found] = find_linked_files(icon_only)
    assert found.name == "发布稿.docx"
    assert found.size == round(1.5 * 1024 * 1024)


def test_163_block_from_the_corpus_with_attributes_and_preview_links() -> None:
    subject = "【市统计局】发布会视频和图片（超大附件）"
    found = find_linked_files(corpus.netease_block(corpus.NETEASE_FILES, subject))
    assert [f.name for f in found] == [b.name for b in corpus.NETEASE_FILES]
    assert all("large-attachment-download" in f.url for f in found)  # not the preview links
    assert [f.size for f in found] == [b.size for b in corpus.NETEASE_FILES]
    assert [f.expires for f in found] == [b.expires for b in corpus.NETEASE_FILES]
    assert all(f.provider == "163" for f in found)


def test_163_exact_attribute_size_wins_over_the_rounded_note() -> None:
    page = (
        '<div><a href="https://mail.163.com/large-attachment-download/index.html?file=K1"'
        ' filename="B205-antenna.mp4" filesize="3781934" expiretime="1669354526418">'
        'B205-antenna.mp4</a><span style="color:#bbb"> (3.61M, 2022年11月25日 13:35 到期)</span>'
        "</div>"
    )
    [found] = find_linked_files(page)
    assert found.size == 3781934
    assert found.size_text == "3.61M"
    assert found.expires == datetime(2022, 11, 25, 13, 35, 26, 418000, tzinfo=TZ)


def test_qq_classic_block() -> None:
    big = corpus.BigFile("发布会现场视频（完整版）.mp4", "125.6M", 0,
                         datetime(2021, 3, 16, 10, 0, tzinfo=TZ), "7d3638")
    assert find_linked_files("<div>正文</div>" + corpus.qq_classic_block(big)) == [
        LinkedFile(
            name="发布会现场视频（完整版）.mp4",
            url="https://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k=7d3638"
                "&code=7684decd",
            size=131701146,
            size_text="125.6M",
            expires=datetime(2021, 3, 16, 10, 0, tzinfo=TZ),
            provider="qq",
        )
    ]


def test_qq_plain_text_shape() -> None:
    text = (
        "从QQ邮箱发来的超大附件\n\n"
        "发布会现场视频.mp4 (128.03M, 2020年11月27日 21:59 到期)进入下载页面："
        "http://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k=7d3638&code=7684decd\n"
        "图片.zip (1.5G, 无限期)进入下载页面："
        "http://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k=9a9b&code=1f\n"
    )
    first, second = find_linked_files(html.escape(text))
    assert (first.name, first.size_text, first.expires) == (
        "发布会现场视频.mp4", "128.03M", datetime(2020, 11, 27, 21, 59, tzinfo=TZ)
    )
    assert first.url.endswith("k=7d3638&code=7684decd")
    assert (second.name, second.size, second.expires) == ("图片.zip", 1610612736, None)


def test_qq_wx_links_with_expiry_line() -> None:
    files = [
        corpus.BigFile("市财政局（喆）材料.zip", "12.5M", 0,
                       datetime(2021, 3, 16, 10, 0, tzinfo=TZ), "9d99e6"),
        corpus.BigFile("发布会现场图片.rar", "3.6M", 0,
                       datetime(2021, 3, 17, 9, 30, tzinfo=TZ), "c7cc0d"),
    ]
    found = find_linked_files(corpus.qq_wx_block(files))
    assert [(f.name, f.size, f.size_text, f.expires, f.provider) for f in found] == [
        ("市财政局（喆）材料.zip", 13107200, "12.5M", datetime(2021, 3, 16, 10, tzinfo=TZ), "qq"),
        ("发布会现场图片.rar", 3774874, "3.6M", datetime(2021, 3, 17, 9, 30, tzinfo=TZ), "qq"),
    ]
    assert found[0].url == ("https://wx.mail.qq.com/ftn/download?func=3&k=9d99e6&key=9d99e6"
                            "&code=bffa6c29&fweb=1&cl=1")


def test_the_name_can_sit_in_a_nearby_element() -> None:
    page = (
        "<table><tr><td><span>发布会现场图片.zip</span><br>(12.5M)</td>"
        '<td><a href="https://wx.mail.qq.com/ftn/download?func=3&amp;k=AAA&amp;key=AAA">下载</a></td></tr>'
        "<tr><td><span>发布稿（终稿）.docx</span><br>(20K)</td>"
        '<td><a href="https://wx.mail.qq.com/ftn/download?func=3&amp;k=BBB&amp;key=BBB">下载</a></td></tr>'
        "</table>"
    )
    found = find_linked_files(page)
    assert [(f.name, f.size) for f in found] == [
        ("发布会现场图片.zip", 13107200), ("发布稿（终稿）.docx", 20480)
    ]


def test_unrelated_links_are_ignored() -> None:
    page = (
        '<a href="http://u.163.com/RcUwvU56g?spm=pos">推荐客户端极速下载</a>'
        '<a href="https://www.wuhu.gov.cn/xwfb/index.html">市政府网站</a>'
        '<a href="https://mail.qq.com/cgi-bin/frame_html">QQ邮箱</a> 发布稿.docx (2M)'
    )
    assert find_linked_files(page) == []
    assert find_linked_files("") == []


@pytest.mark.parametrize(
    ("number", "unit", "size"),
    [("80.96", "M", 84892713), ("12.5", "MB", 13107200), ("512", "K", 524288),
     ("1.5", "G", 1610612736), ("900", "B", 900), ("900", "字节", 900), ("2", "GB", 2147483648)],
)
def test_parse_size(number: str, unit: str, size: int) -> None:
    assert parse_size(number, unit) == size


_MARKUP_PIECES = [
    *"<>/=\"'&;ahref divspan:?.()年月日到期M1 ",
    "https://mail.163.com/large-attachment-download/index.html?file=",
    "http://mail.qq.com/cgi-bin/ftnExs_download?k=", '<a href="', "</a>", "<td>", "<tr>",
    "超大附件", "(80.96M, 2021年3月1日 10:00 到期)", "进入下载页面：", "&#", "<!--", "<![CDATA[",
]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(_MARKUP_PIECES), max_size=80).map("".join))
def test_odd_markup_never_raises(page: str) -> None:
    for found in find_linked_files(page):
        assert found.provider in ("163", "qq")
