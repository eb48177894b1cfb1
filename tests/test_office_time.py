"""Every time shown to a person is the office's (issue 17): a message whose Date header is
UTC (Outlook/Exchange writes ``+0000``), ``-0500`` or ``+0800`` is shown at its Shanghai
time, on its Shanghai day, in every human-facing output — the batch table and its
findings, the inbox and one submission, the receipts sent to units, the outbox listing,
the register's CSV and xlsx — and JSON keeps the instant with the office's offset
(``+08:00``), never a naive time.

18:30 UTC on June 29, 2026 is 02:30 on June 30 in Shanghai: a registration for a
conference on July 2 (due 3 days ahead: June 29) arrived a day late by the office's day,
on time by the UTC day.  16:30 UTC on June 30 is July 1 in Shanghai: a statistics table
due June 30 arrived late.  The same mailbox with ``timezone = "Europe/London"`` shows
London's times (19:30 BST on June 29) and the registration on time.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cli_support import invoke
from docfixtures import statistics_header
from submissions import message, registration_docx

MINUS_FIVE = timezone(timedelta(hours=-5))
PLUS_EIGHT = timezone(timedelta(hours=8))

#: unit, address, the Date header's moment, the conference written on the form
REGISTRATIONS = [
    ("市民政局", "mzj@wuhu.gov.cn", datetime(2026, 6, 29, 18, 30, tzinfo=UTC),
     "2026年7月2日上午9:30"),
    ("市财政局", "czj@wuhu.gov.cn", datetime(2026, 6, 20, 11, 15, tzinfo=MINUS_FIVE),
     "2026年7月10日上午9:30"),
    ("市人社局", "rsj@wuhu.gov.cn", datetime(2026, 6, 22, 9, 5, tzinfo=PLUS_EIGHT),
     "2026年7月12日下午3:00"),
]
STATISTICS_SENT = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)

#: what Shanghai shows of each message, in the order above, then the statistics table
SHANGHAI = ["2026年6月30日 2:30", "2026年6月21日 0:15", "2026年6月22日 9:05", "2026年7月1日 0:30"]
SHANGHAI_ISO = ["2026-06-30T02:30:00+08:00", "2026-06-21T00:15:00+08:00",
                "2026-06-22T09:05:00+08:00", "2026-07-01T00:30:00+08:00"]
#: the same moments as the other zones write them: never shown to a person
ELSEWHERE = ["2026年6月29日 18:30", "2026年6月20日 11:15", "2026年6月30日 16:30"]
LONDON = ["2026年6月29日 19:30", "2026年6月20日 17:15", "2026年6月22日 2:05",
          "2026年6月30日 17:30"]

CONFIG = """\
timezone = "{tz}"

[notify]
channels = ["outbox"]
receipts = true

[notify.outbox]
folder = "{outbox}"

[units."市民政局"]
emails = ["mzj@wuhu.gov.cn"]

[units."市财政局"]
emails = ["czj@wuhu.gov.cn"]

[units."市人社局"]
emails = ["rsj@wuhu.gov.cn"]

[units."市统计局"]
emails = ["tjj@wuhu.gov.cn"]
"""


def _statistics_xlsx() -> bytes:
    """统计表 (附件3) of the first half of 2026, its last conference on June 18."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    statistics_header(ws)
    ws.append([1, datetime(2026, 6, 18), "市政府新闻发布厅", "市统计局",
               "市广播电视台、大江晚报", "上半年经济运行情况", "张三 副局长", "是", 3])
    ws["B4"].number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _mailbox(folder: Path) -> Path:
    folder.mkdir()
    for i, (unit, address, sent, conference) in enumerate(REGISTRATIONS):
        title = f"2026年{unit}新闻发布会"
        (folder / f"{i}.eml").write_bytes(message(
            subject=f"【{unit}】{title}登记表", sender=f"{unit} <{address}>", date=sent,
            message_id=f"<office-time-{i}@wuhu.gov.cn>",
            attachments=[(f"登记表（{unit}）.docx", registration_docx(
                title=title, unit=unit, when=conference, filed="2026年6月20日",
                approval="同意。\n2026年6月20日（公章）"))]))
    (folder / "3.eml").write_bytes(message(
        subject="【市统计局】2026年上半年新闻发布会统计表", sender="市统计局 <tjj@wuhu.gov.cn>",
        date=STATISTICS_SENT, message_id="<office-time-3@wuhu.gov.cn>",
        attachments=[("统计表（市统计局）.xlsx", _statistics_xlsx())]))
    return folder


class Office:
    """One office's store after ``pressdocs batch`` took in the mailbox, and its outputs."""

    def __init__(self, root: Path, tz: str) -> None:
        root.mkdir()
        self.outbox = root / "outbox"
        self.config = root / "pressdocs.toml"
        self.config.write_text(CONFIG.format(tz=tz, outbox=self.outbox.as_posix()), "utf-8")
        self.store = root / "store"
        self.batch = self.run("batch", str(_mailbox(root / "mail")))
        self.batch_json = json.loads(self.run("batch", str(root / "mail"), "--json",
                                              store=root / "again"))
        self.run("notify")

    def run(self, *args: str, store: Path | None = None) -> str:
        done = invoke(["--config", str(self.config), "--store", str(store or self.store),
                       *args])
        assert done.exit_code == 0, done.output
        return done.output

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json"))

    def ids(self) -> dict[str, str]:
        """Each unit's submission id."""
        return {s["unit"]: s["id"] for s in self.json("submissions", "list")["submissions"]}


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory: pytest.TempPathFactory) -> Office:
    return Office(tmp_path_factory.mktemp("tz") / "shanghai", "Asia/Shanghai")


def _flat(text: str) -> str:
    """Terminal tables wrap long cells: the text without box drawing and line breaks."""
    return re.sub(r"[\s│┃|]+", "", text)


def _times(data: Any) -> list[str]:
    """Every ISO 8601 date-time in a JSON document."""
    found: list[str] = []
    if isinstance(data, dict):
        for value in data.values():
            found += _times(value)
    elif isinstance(data, list):
        for value in data:
            found += _times(value)
    elif isinstance(data, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+([+-]\d\d:\d\d|Z)?",
                                                data):
        found.append(data)
    return found


def _none_elsewhere(text: str) -> None:
    for other in ELSEWHERE:
        assert other not in text


UNITS = ["市民政局", "市财政局", "市人社局", "市统计局"]


def test_the_batch_judges_by_the_office_day(shanghai: Office) -> None:
    """PD101: due June 29, received 02:30 on June 30 in Shanghai (June 29 in UTC): late;
    PD401: due June 30, received 00:30 on July 1 in Shanghai: late."""
    flat = _flat(shanghai.batch)
    assert "登记表2026年6月30日收到，发布会定于2026年7月2日9:30召开" in flat
    assert "最迟应于2026年6月29日报送，晚了1天" in flat
    assert "统计表2026年7月1日收到，晚于报送日期2026年6月30日，晚了1天" in flat


def test_batch_json_keeps_each_instant_at_the_offices_offset(shanghai: Office) -> None:
    received = {m["unit"]: m["received"] for m in shanghai.batch_json["messages"]}
    assert [received[u] for u in UNITS] == SHANGHAI_ISO
    times = _times(shanghai.batch_json)
    assert times and all(t.endswith("+08:00") for t in times), times


def test_a_message_taken_in_again_is_reported_at_the_offices_offset(
        shanghai: Office) -> None:
    again = json.loads(shanghai.run("batch", str(shanghai.config.parent / "mail"), "--json"))
    assert {m["status"] for m in again["messages"]} == {"duplicate"}
    assert sorted(m["received"] for m in again["messages"]) == sorted(SHANGHAI_ISO)


def test_the_inbox_shows_shanghai_times(shanghai: Office) -> None:
    listing = shanghai.run("submissions", "list")
    for shown in SHANGHAI:
        assert shown in listing
    _none_elsewhere(listing)
    data = shanghai.json("submissions", "list")
    received = {s["unit"]: s["received"] for s in data["submissions"]}
    assert [received[u] for u in UNITS] == SHANGHAI_ISO


def test_one_submission_shows_shanghai_times_and_json_keeps_the_offset(
        shanghai: Office) -> None:
    ids = shanghai.ids()
    for unit, shown, iso in zip(UNITS, SHANGHAI, SHANGHAI_ISO, strict=True):
        text = shanghai.run("submissions", "show", ids[unit][:12])
        assert f"收到时间：{shown}" in text
        _none_elsewhere(text)
        detail = shanghai.json("submissions", "show", ids[unit][:12])
        assert detail["received"] == iso
        times = _times(detail)
        # taken_in is when pressdocs took it in (now), stored in UTC: shown at +08:00 too
        assert detail["message"]["taken_in"] in times
        assert all(t.endswith("+08:00") for t in times), times
    english = invoke(["--config", str(shanghai.config), "--store", str(shanghai.store),
                      "--lang", "en", "submissions", "show", ids["市民政局"][:12]])
    assert "2026-06-30 02:30" in english.output


def test_the_receipts_units_get_say_the_shanghai_time(shanghai: Office) -> None:
    sent = {}
    for path in shanghai.outbox.glob("*.json"):
        notice = json.loads(path.read_text("utf-8"))
        sent[notice["unit"]] = notice["context"]["text"]
    assert sorted(sent) == sorted(UNITS)
    for unit, shown in zip(UNITS, SHANGHAI, strict=True):
        assert f"已于{shown}收到" in sent[unit], sent[unit]
        _none_elsewhere(sent[unit])
    assert "2026年6月30日收到" in sent["市民政局"]  # PD101 in the receipt: the office day


def test_the_outbox_listing_shows_and_keeps_office_times(shanghai: Office) -> None:
    data = shanghai.json("notices")
    times = _times(data)
    assert len(times) == 4 and all(t.endswith("+08:00") for t in times), times
    listing = shanghai.run("notices")
    updated = datetime.fromisoformat(times[0])
    assert f"{updated.year}年{updated.month}月{updated.day}日 {updated.hour}:" in listing


def test_the_register_exports_show_shanghai_times(shanghai: Office, tmp_path: Path) -> None:
    csv = tmp_path / "register.csv"
    shanghai.run("export", "submissions", "--year", "2026", "-o", str(csv))
    text = csv.read_text("utf-8-sig")
    for shown in SHANGHAI:
        assert shown in text
    _none_elsewhere(text)
    xlsx = tmp_path / "register.xlsx"
    shanghai.run("export", "submissions", "--year", "2026", "-o", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert sorted(c for c in cells if c in SHANGHAI) == sorted(SHANGHAI)
    data = json.loads(shanghai.run("export", "submissions", "--year", "2026", "-o", "-",
                                   "--format", "json"))
    assert sorted(s["received"] for s in data["submissions"]) == sorted(SHANGHAI_ISO)


def test_a_london_office_sees_london_times(tmp_path: Path) -> None:
    """19:30 BST on June 29: the registration is on time in London; the table, 17:30 on
    June 30, too."""
    london = Office(tmp_path / "london", "Europe/London")
    flat = _flat(london.batch)
    assert "PD101" not in flat and "PD401" not in flat
    listing = london.run("submissions", "list")
    for shown in LONDON:
        assert shown in listing
    assert "2026年6月30日 2:30" not in listing
    received = {m["unit"]: m["received"] for m in london.batch_json["messages"]}
    assert [received[u] for u in UNITS] == [
        "2026-06-29T19:30:00+01:00", "2026-06-20T17:15:00+01:00",
        "2026-06-22T02:05:00+01:00", "2026-06-30T17:30:00+01:00"]
    receipts = " ".join(p.read_text("utf-8") for p in london.outbox.glob("*.json"))
    assert "已于2026年6月29日 19:30收到" in receipts


def test_a_store_written_in_utc_reads_back_in_office_time(shanghai: Office) -> None:
    """The store keeps UTC; what it gives back to people is the office's time, also for a
    submission saved with its Date header's own zone (before this was fixed)."""
    from pressdocs import Pressdocs

    with Pressdocs(config=shanghai.config, store=shanghai.store) as pd:
        sub = pd.submission(shanghai.ids()["市财政局"])
        sub.received = datetime(2026, 6, 20, 11, 15, tzinfo=MINUS_FIVE)  # as once stored
        pd.store.save_submission(sub)
        assert pd.submission_detail(sub.id).submission.received == datetime(
            2026, 6, 21, 0, 15, tzinfo=PLUS_EIGHT)
        assert pd.submission_detail(sub.id).to_dict()["received"] == SHANGHAI_ISO[1]
    text = shanghai.run("submissions", "show", sub.id[:12])
    assert f"收到时间：{SHANGHAI[1]}" in text




def test_the_review_desk_shows_shanghai_times_and_its_api_keeps_the_offset(
        shanghai: Office, tmp_path: Path) -> None:
    pytest.importorskip("starlette", reason="the review desk needs pressdocs[web]")
    import shutil

    from starlette.testclient import TestClient

    from pressdocs import Pressdocs
    from pressdocs.config import load_config
    from pressdocs.web.app import create_app
    from pressdocs.web.desk import Desk
    from web_support import REVIEWER, REVIEWER_PASSWORD, csrf_of

    store = Path(shutil.copytree(shanghai.store, tmp_path / "store"))
    ids = shanghai.ids()
    with Pressdocs(config=shanghai.config, store=store) as app:
        app.add_user(REVIEWER, REVIEWER_PASSWORD, role="reviewer")
        app.waive(ids["市民政局"], "PD101", note="电话说明已获批准", by=REVIEWER)
    desk = Desk(config=load_config(shanghai.config), store=store, lang="zh")
    client = TestClient(create_app(desk))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"name": REVIEWER, "password": REVIEWER_PASSWORD,
                                "csrf_token": token, "next": "/inbox"})
    inbox = client.get("/inbox").text
    for shown in SHANGHAI:
        assert shown in inbox
    _none_elsewhere(inbox)
    page = client.get(f"/submissions/{ids['市民政局']}").text
    assert SHANGHAI[0] in page and "2026年6月30日收到" in page
    _none_elsewhere(page)
    for path in ("/api/submissions", f"/api/submissions/{ids['市民政局']}",
                 f"/api/submissions/{ids['市民政局']}/review", "/api/audit"):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        times = _times(answer.json())
        assert times and all(t.endswith("+08:00") for t in times), (path, times)
