"""The HTML exports: 新闻发布会实录 pages and the office dashboard, from mail taken in by
the real pipeline (tests/html_office.py), read back as files and pictures.  How they look
in a real browser is tests/test_export_html_browser.py."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from html_office import SCRIPT, SCRIPT_TITLE, TITLE, VIDEO_URL, build_office
from pressdocs import ConferenceRecord, Dashboard, Pressdocs, PressRelease, StoreError
from pressdocs._record import RecordPicture
from pressdocs.builtin.export_html import PICTURE_MAX_PX, safe_url, scale_picture


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_office(tmp_path_factory.mktemp("office"))


def open_office(store: Path, lang: str | None = None) -> Pressdocs:
    return Pressdocs(store=store, lang=lang, load_entry_points=False)


def test_the_record_gathers_the_form_and_the_later_package(office: Path) -> None:
    with open_office(office) as pd:
        record = pd.conference_record(plan_item=11)
        by_materials = pd.conference_record(
            submission_id=next(s.id for s in pd.store.submissions() if s.materials)[:10])
    assert isinstance(record, ConferenceRecord)
    assert record.title == TITLE and record.organiser == "市统计局"
    assert record.venue == "市政府新闻发布厅"
    assert record.time is not None and (record.time.month, record.time.day) == (4, 15)
    # the statistics table's row for that day names who spoke
    assert [(s.name, s.position) for s in record.speakers] == [("王五", "局长"),
                                                              ("张三", "办公室主任")]
    assert record.press_release is not None and record.press_release.title
    assert len(record.qa) == 2
    assert [p.name for p in record.pictures] == ["图片1.png", "图片2.png", "图片3.png",
                                                 "图片4.png"]
    assert [v.url for v in record.videos] == [VIDEO_URL]
    assert len(record.submission_ids) == 2
    assert by_materials.to_dict() == record.to_dict()  # the package leads to the same record


def test_the_record_page_has_everything_the_column_publishes(office: Path,
                                                             tmp_path: Path) -> None:
    with open_office(office) as pd:
        written = pd.export(pd.conference_record(plan_item=11), tmp_path / "实录.html")
    page = written.read_text("utf-8")
    for text in ("新闻发布会实录", TITLE, "2021年4月15日 9:30", "市政府新闻发布厅", "市统计局",
                 "王五（局长）、张三（办公室主任）", "一季度全市经济运行稳中向好",
                 "今年一季度全市经济运行有哪些特点？", "发布会现场视频.mp4",
                 "2021年4月20日 10:00到期", "图片“图片4.png”无法显示"):
        assert text in page, text
    assert f'href="{VIDEO_URL.replace("&", "&amp;")}"' in page
    assert "<script" not in page and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", "")
    # the pictures beside the page, scaled down, under numbered names
    files = tmp_path / "实录_files"
    assert sorted(p.name for p in files.iterdir()) == ["01.jpg", "02.jpg", "03.jpg"]
    for picture in files.iterdir():
        with Image.open(picture) as image:
            assert image.size == (PICTURE_MAX_PX, 960)
    srcs = re.findall(r'<img src="([^"]+)"', page)
    assert srcs == ["%E5%AE%9E%E5%BD%95_files/01.jpg", "%E5%AE%9E%E5%BD%95_files/02.jpg",
                    "%E5%AE%9E%E5%BD%95_files/03.jpg"]


def test_the_record_page_in_english(office: Path, tmp_path: Path) -> None:
    with open_office(office, lang="en") as pd:
        page = pd.export(pd.conference_record(plan_item=11), tmp_path / "r.html").read_text()
    assert '<html lang="en">' in page and "Press conference record" in page
    assert "2021-04-15 09:30" in page and "Questions and answers" in page


def test_text_from_a_submission_is_escaped(office: Path, tmp_path: Path) -> None:
    with open_office(office) as pd:
        record = pd.conference_record(plan_item=2)
        page = pd.export(record, tmp_path / "r.html").read_text("utf-8")
        board = pd.export(pd.dashboard(as_of=date(2021, 7, 5)),
                          tmp_path / "d.html").read_text("utf-8")
    assert record.title == SCRIPT_TITLE
    escaped = "&lt;script&gt;document.title=&#39;pwned&#39;;window.pwned=1&lt;/script&gt;"
    assert escaped in page and SCRIPT not in page and "<script" not in page
    assert escaped in board and "<script" not in board  # the mail's subject


def test_only_web_links_are_links() -> None:
    assert safe_url(VIDEO_URL) == VIDEO_URL
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>",
                "file:///etc/passwd", "//evil.example/x", "http:///nohost", "http://[::1"):
        assert safe_url(bad) is None, bad


def test_a_link_that_is_not_a_web_address_is_shown_not_linked(tmp_path: Path) -> None:
    from pressdocs import LinkedFile

    record = ConferenceRecord(title="发布会", videos=[
        LinkedFile("视频.mp4", "javascript:document.title='pwned'")])
    with Pressdocs(load_entry_points=False) as pd:
        page = pd.export(record, tmp_path / "r.html").read_text("utf-8")
    assert "<li>视频.mp4</li>" in page and "javascript:" not in page


def test_pictures_are_scaled_turned_upright_and_bad_ones_refused() -> None:
    import io

    image = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone held upright: turn 90°
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    scaled = scale_picture(out.getvalue())
    assert scaled is not None
    data, suffix, width, height = scaled
    assert (suffix, width, height) == (".jpg", 853, 1280)
    with Image.open(io.BytesIO(data)) as back:
        assert back.size == (853, 1280)
    small = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(small, "PNG")
    assert scale_picture(small.getvalue())[1:] == (".png", 40, 30)  # type: ignore[index]
    assert scale_picture(b"\x89PNG\r\n\x1a\nnot really") is None
    assert scale_picture(b"") is None


def test_a_record_without_materials_says_what_is_missing(tmp_path: Path) -> None:
    record = ConferenceRecord(title="发布会", pictures=[RecordPicture("a.heic", "image/heic",
                                                                      "0" * 64, b"ftypheic")],
                              press_release=PressRelease(title="发布会", body="第一段\n\n第二段"))
    with Pressdocs(load_entry_points=False) as pd:
        page = pd.export(record, tmp_path / "r.html").read_text("utf-8")
    assert page.count("（未提供）") == 6  # time, venue, organiser, speakers, Q&A, video
    assert "<p>第一段</p>\n<p>第二段</p>" in page
    assert "图片“a.heic”无法显示" in page


def test_asking_for_a_record_that_is_not_there(office: Path) -> None:
    with open_office(office) as pd:
        with pytest.raises(StoreError) as none_asked:
            pd.conference_record()
        with pytest.raises(StoreError) as not_registered:
            pd.conference_record(plan_item=30)
        statistics = next(s for s in pd.store.submissions() if s.statistics)
        with pytest.raises(StoreError) as not_a_conference:
            pd.conference_record(submission_id=statistics.id)
    assert "--plan-item" in str(none_asked.value)
    assert "2021年计划第30项尚无登记的新闻发布会" in str(not_registered.value)
    assert statistics.id[:12] in str(not_a_conference.value)


def test_the_dashboard_counts_as_the_plan_status_does(office: Path) -> None:
    with open_office(office) as pd:
        board = pd.dashboard(as_of=date(2021, 7, 5))
        status = pd.plan_status(as_of=date(2021, 7, 5))
    assert isinstance(board, Dashboard)
    assert board.year == 2021 and board.plan.to_dict() == status.to_dict()
    assert board.received == 4
    assert [a.unit for a in board.awaiting] == ["市人社局", "市统计局"]
    assert [f.code for f in board.awaiting[0].errors] == ["PD101"]
    counts = {r.code: (r.findings, r.submissions) for r in board.rules}
    assert counts["PD303"] == (3, 3) and counts["PD101"] == (1, 1)
    first, second = board.statistics
    assert (first.period, first.units, first.tables, first.rows) == ("2021H1", ["市统计局"], 1, 1)
    assert first.closed and first.missing == [] and not second.closed
    assert board.to_dict()["statistics"][0]["due"] == "2021-06-30"


def test_the_dashboard_page(office: Path, tmp_path: Path) -> None:
    with open_office(office) as pd:
        board = pd.dashboard(as_of=date(2021, 7, 5))
        page = pd.export(board, tmp_path / "看板.html").read_text("utf-8")
        english = Pressdocs(store=office, lang="en", load_entry_points=False)
        with english:
            en = english.export(board, tmp_path / "board.html").read_text("utf-8")
    assert "<title>2021年新闻发布工作看板</title>" in page and "截至2021年7月5日" in page
    for text in ("年度计划执行情况", "已召开", "逾期未登记", "市统计局", "待补正的报送",
                 "PD101 登记表未在发布会召开前3天报送", "统计表报送情况", "2021年上半年",
                 "2021年6月30日", "未到截止日"):
        assert text in page, text
    assert page.count("<svg") == 2 and "<script" not in page
    # the month chart has one bar per month that has items, the totals the table's
    assert len(re.findall(r'<g transform="translate\(0 \d+\)">', page)) >= 12
    total = re.search(r"<tfoot><tr><td>合计</td>(.*?)</tr></tfoot>", page)
    assert total is not None and total.group(1).endswith(f'<td class="n">{74}</td>')
    assert "Press office dashboard 2021" in en and "as of 2021-07-05" in en


def test_writing_a_page_again_leaves_no_stale_pictures(office: Path, tmp_path: Path) -> None:
    with open_office(office) as pd:
        record = pd.conference_record(plan_item=11)
        pd.export(record, tmp_path / "r.html")
        (tmp_path / "r_files" / "说明.txt").write_text("the office's own note")
        record.pictures = record.pictures[1:2]
        pd.export(record, tmp_path / "r.html")
    assert sorted(p.name for p in (tmp_path / "r_files").iterdir()) == ["01.jpg", "说明.txt"]
