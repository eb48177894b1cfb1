"""The batch report carries what the office needs to act on a message: who sent it (the
display name decoded beside the address), the conference it is about (from the form, or
from the mail body the registration was typed into), and each document with where it
came from (an attachment, a package and the path in it, a download link with its size and
expiry).  The real ``pressdocs batch --json`` output, taken of a mailbox written the way
the mail clients write, matches the published schema ``batch``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import mailcorpus as corpus
from archive_fixtures import windows_zip
from cli_support import invoke, json_of
from pressdocs import Pressdocs, schemas
from pressdocs.errors import SchemaError
from submissions import png, press_release_docx, qa_docx, registration_docx

#: 刘䶮: 䶮 (U+4DAE) is of CJK Extension A, which GBK cannot write; QQ Mail labels the
#: encoded word gb18030.
QQ_NAME = "刘䶮"
QQ_TITLE = "2021年一季度全市财政收支情况新闻发布会"
BODY_TITLE = "2021年全市就业创业工作新闻发布会"
RAW_TITLE = "2021年全市生态环境质量状况新闻发布会"

#: A registration typed into the mail body, with the form's own labels.
BODY_REGISTRATION = (
    "市新闻办：\n    我局拟召开新闻发布会，登记如下：\n"
    f"新闻发布会全称：{BODY_TITLE}\n"
    "举办单位：市人力资源和社会保障局\n"
    "负责人：王芳，0553-3831234，副主任\n"
    "举办时间：2021年5月20日上午9:30\n"
    "举办地点：市政府新闻发布厅\n"
    "拟邀请新闻单位名单：芜湖日报、芜湖广播电视台\n"
    "\n市人力资源和社会保障局办公室\n2021年5月10日\n"
)


def _qq_package_message() -> bytes:
    """QQ webmail: the sender's name in a gb18030 encoded word, one zip of the materials
    in a folder, the pictures in a zip of their own inside it."""
    pictures = windows_zip([(f"图片{i}.png", png(i)) for i in (1, 2, 3)])
    package = windows_zip([
        ("发布会材料/登记表.docx", registration_docx(
            title=QQ_TITLE, unit="市财政局", when="2021年4月20日上午9:30",
            venue="市政府新闻发布厅")),
        ("发布会材料/发布稿.docx", press_release_docx("一季度全市财政收支情况")),
        ("发布会材料/问答.docx", qa_docx()),
        ("发布会材料/图片.zip", pictures),
    ])
    raw, _ = corpus.qq_webmail([("某某发布会材料.zip", package)])
    written = corpus.b_word(corpus.QQ_SENDER_NAME, "gb18030").encode()
    assert written in raw
    return raw.replace(written, corpus.b_word(QQ_NAME, "gb18030").encode())


def _raw_8bit_message() -> bytes:
    """An office system: raw GBK bytes in the From header, the form attached."""
    raw, _ = corpus.raw_8bit([("登记表.docx", registration_docx(
        title=RAW_TITLE, unit="市生态环境局", when="2021年6月5日上午10:00"))])
    return raw


def _body_registration_message() -> bytes:
    """163 webmail: a registration typed into a GBK body, nothing attached."""
    boundary = "----=_Part_301240_1370145921.1620608400000"
    body = corpus.part(["Content-Type: text/plain; charset=GBK",
                        "Content-Transfer-Encoding: base64"],
                       corpus.b64_body(corpus.crlf(BODY_REGISTRATION).encode("gbk")))
    headers = [
        "Date: Mon, 10 May 2021 09:00:00 +0800 (CST)",
        f'From: "{corpus.b_word("市人社局办公室", "GBK", "gb18030")}" <whrsj_bgs@163.com>',
        f"To: {corpus.PRESS_OFFICE}",
        "Message-ID: <5e6f7a8b.1c2d.1795a1b2c3d.Coremail.whrsj_bgs@163.com>",
        f"Subject: {corpus.b_word('【市人社局】新闻发布会登记', 'GBK', 'gb18030')}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; \r\n\tboundary="{boundary}"',
    ]
    return corpus.part(headers, corpus.multipart(boundary, [body]))


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mail")
    (folder / "1-qq.eml").write_bytes(_qq_package_message())
    (folder / "2-oa.eml").write_bytes(_raw_8bit_message())
    (folder / "3-163-links.eml").write_bytes(corpus.netease_large(
        [("发布稿.docx", press_release_docx("一季度经济运行"))])[0])
    (folder / "4-body.eml").write_bytes(_body_registration_message())
    return folder


@pytest.fixture(scope="module")
def taken(mailbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The mailbox taken in with ``pressdocs batch --json``: the store and the report."""
    store = tmp_path_factory.mktemp("taken") / "store"
    return store, json_of(["--store", str(store), "batch", str(mailbox), "--json"])


def _by_subject(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["subject"]: m for m in report["messages"]}


def _documents(entry: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(d["name"], d["kind"], d["origin"], d["package"], d["path"])
            for d in entry["documents"]]


def test_the_mailbox_is_written_as_the_clients_write() -> None:
    """The cases are what they claim: a gb18030 word GBK cannot read, raw GBK bytes in
    From, a GBK body with no attachment."""
    qq = _qq_package_message()
    assert b'From: "=?gb18030?B?' in qq
    with pytest.raises(UnicodeEncodeError):
        QQ_NAME.encode("gbk")
    assert b"From: " + corpus.RAW_SENDER_NAME.encode("gbk") + b" <" in _raw_8bit_message()
    body = _body_registration_message()
    assert b"charset=GBK" in body and b"Content-Disposition" not in body


def test_real_batch_json_matches_the_published_schema(taken: tuple[Path, dict[str, Any]]
                                                      ) -> None:
    report = taken[1]
    schemas.validate("batch", report)
    assert (report["seen"], report["new"]) == (4, 4)
    # the check is not hollow: what the schema leaves out fails it
    wrong = json.loads(json.dumps(report))
    wrong["messages"][0]["documents"][1]["path"] = 3
    with pytest.raises(SchemaError) as info:
        schemas.validate("batch", wrong)
    assert info.value.path == "messages[0].documents[1].path"


def test_english_and_jsonl_reports_match_the_schema_too(mailbox: Path, tmp_path: Path) -> None:
    english = json_of(["--lang", "en", "--store", str(tmp_path / "a"), "batch", str(mailbox),
                       "--dry-run", "--json"])
    schemas.validate("batch", english)
    labels = {d["kind_label"] for m in english["messages"] for d in m["documents"]}
    assert {"registration form", "package"} <= {label.lower() for label in labels}, labels
    result = invoke(["--store", str(tmp_path / "b"), "batch", str(mailbox), "--jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    for entry in lines:  # one entry alone is one of a report's messages
        schemas.validate("batch", {"source": str(mailbox), "dry_run": False, "seen": 1,
                                   "new": 1, "by_kind": {}, "by_status": {},
                                   "by_severity": {}, "messages": [entry],
                                   "receipts": []})


def test_the_sender_is_named_beside_the_address(taken: tuple[Path, dict[str, Any]]) -> None:
    senders = {(m["sender_name"], m["sender"]) for m in taken[1]["messages"]}
    assert senders == {
        (QQ_NAME, corpus.QQ_SENDER_ADDRESS),  # gb18030 encoded word, CJK Extension A
        (corpus.RAW_SENDER_NAME, corpus.RAW_SENDER_ADDRESS),  # raw 8-bit GBK: 市生态环境局
        (corpus.CM_SENDER_NAME, corpus.CM_SENDER_ADDRESS),
        ("市人社局办公室", "whrsj_bgs@163.com"),
    }


def test_each_document_says_where_it_came_from(taken: tuple[Path, dict[str, Any]]) -> None:
    qq = _by_subject(taken[1])[corpus.QQ_SUBJECT]
    nested = "某某发布会材料.zip/发布会材料/图片.zip"
    assert _documents(qq) == [
        ("某某发布会材料.zip", "package", "attachment", None, None),
        ("登记表.docx", "registration", "package", "某某发布会材料.zip", "发布会材料/登记表.docx"),
        ("发布稿.docx", "press_release", "package", "某某发布会材料.zip", "发布会材料/发布稿.docx"),
        ("问答.docx", "qa", "package", "某某发布会材料.zip", "发布会材料/问答.docx"),
        ("图片.zip", "package", "package", "某某发布会材料.zip", "发布会材料/图片.zip"),
        ("图片1.png", "picture", "package", nested, "图片1.png"),
        ("图片2.png", "picture", "package", nested, "图片2.png"),
        ("图片3.png", "picture", "package", nested, "图片3.png"),
    ]
    first = qq["documents"][0]
    assert (first["kind_label"], first["link"], first["problem"]) == ("压缩包", None, None)
    assert first["size"] > 0 and len(first["sha256"]) == 64
    assert qq["status"] == "accepted", qq["findings"]


def test_files_sent_as_links_carry_size_and_expiry(taken: tuple[Path, dict[str, Any]]) -> None:
    entry = _by_subject(taken[1])["【市统计局】发布会视频和图片（超大附件）"]
    attached, *linked = entry["documents"]
    assert (attached["name"], attached["origin"], attached["link"]) == (
        "发布稿.docx", "attachment", None)
    expected = corpus.netease_large()[1].links
    assert [(d["name"], d["kind"], d["origin"], d["size"], d["sha256"]) for d in linked] == [
        ("2021年一季度经济运行新闻发布会现场视频.mp4", "video", "link", 84892713, None),
        ("发布会现场图片（原图）.zip", "package", "link", 36909875, None),
    ]
    assert [d["link"] for d in linked] == [
        {"url": f.url, "provider": "163", "size_text": f.size_text,
         "expires": f.expires.isoformat() if f.expires else None} for f in expected]
    assert linked[0]["link"]["size_text"] == "80.96M"
    assert linked[0]["link"]["expires"] == "2021-03-01T10:00:00+08:00"


def test_the_conference_comes_from_the_form_or_the_mail_body(
        taken: tuple[Path, dict[str, Any]]) -> None:
    by_subject = _by_subject(taken[1])
    assert by_subject[corpus.QQ_SUBJECT]["conference"] == {
        "title": QQ_TITLE, "time": "2021-04-20T09:30:00+08:00",
        "time_text": "2021年4月20日上午9:30", "venue": "市政府新闻发布厅",
        "organiser": "市财政局", "document": "登记表.docx"}
    oa = by_subject[corpus.RAW_SUBJECT]["conference"]
    assert (oa["title"], oa["time"], oa["organiser"]) == (
        RAW_TITLE, "2021-06-05T10:00:00+08:00", "市生态环境局")
    body = by_subject["【市人社局】新闻发布会登记"]
    assert body["kind"] == "registration"
    assert body["conference"] == {
        "title": BODY_TITLE, "time": "2021-05-20T09:30:00+08:00",
        "time_text": "2021年5月20日上午9:30", "venue": "市政府新闻发布厅",
        "organiser": "市人力资源和社会保障局", "document": "邮件正文"}
    assert _documents(body) == [("邮件正文", "registration", "body", None, None)]
    # materials alone register no conference
    assert by_subject["【市统计局】发布会视频和图片（超大附件）"]["conference"] is None


def test_a_second_run_reports_the_same_from_the_store(
        mailbox: Path, taken: tuple[Path, dict[str, Any]]) -> None:
    store, first = taken
    again = json_of(["--store", str(store), "batch", str(mailbox), "--json"])
    schemas.validate("batch", again)
    assert {m["status"] for m in again["messages"]} == {"duplicate"}
    keep = ("sender_name", "conference", "documents")
    assert [{k: m[k] for k in keep} for m in again["messages"]] == [
        {k: m[k] for k in keep} for m in first["messages"]]


def test_the_library_gives_the_same_as_typed_results(mailbox: Path, tmp_path: Path) -> None:
    """``pressdocs batch --json`` is the library's report serialised: the same facts are
    on the submissions :meth:`Pressdocs.batch` returns, and the store keeps them."""
    with Pressdocs(store=tmp_path / "store", load_entry_points=False) as pd:
        report = pd.batch(str(mailbox))
        subs = {o.submission.subject: o.submission for o in report.outcomes}
        qq = subs[corpus.QQ_SUBJECT]
        assert (qq.sender_name, qq.sender) == (QQ_NAME, corpus.QQ_SENDER_ADDRESS)
        form = next(d for d in qq.documents if d.kind == "registration")
        assert (form.name, form.container, form.path) == (
            "登记表.docx", "某某发布会材料.zip", "发布会材料/登记表.docx")
        assert qq.registration is not None and qq.registration.title == QQ_TITLE
        links = subs["【市统计局】发布会视频和图片（超大附件）"].materials
        assert links is not None
        assert [f.expires for f in links.linked_files] == [
            datetime.fromisoformat("2021-03-01T10:00:00+08:00")] * 2
        body = subs["【市人社局】新闻发布会登记"].registration
        assert body is not None and body.title == BODY_TITLE
        kept = {d.path for _, d in pd.store.documents(submission_id=qq.id)}
        assert "发布会材料/登记表.docx" in kept and "图片1.png" in kept
        assert report.to_dict()["messages"][0]["documents"][1]["path"] == \
            "发布会材料/登记表.docx"


def test_the_documented_report_is_one_the_schema_accepts() -> None:
    """docs/cli.md's example report validates, and names every field a document has."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("### The batch report (`batch --json`)", 1)[1]
    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    schemas.validate("batch", example)
    outcome = schemas.load("batch")["$defs"]["Outcome"]["properties"]
    document = schemas.load("batch")["$defs"]["Document"]["properties"]
    assert set(example["messages"][0]) == set(outcome)
    for name in [*outcome, *document]:
        assert f"`{name}`" in section, f"docs/cli.md does not explain {name}"
