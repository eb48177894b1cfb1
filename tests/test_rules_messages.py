"""Every built-in rule speaks from the message catalogues: a title, and each message it
can give rendered in both languages — no placeholder left, no key missing, English free of
Chinese except in the facts it quotes — pointing at a known field id.

The findings come from running every built-in rule over submissions built to make each
rule say each thing it can say (late with and without a calendar note, a package judged by
an earlier registration, every way a picture or a statistics row can be wrong …); a test
keeps that set complete: every entry of the rules' tables is rendered at least once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pressdocs._enrich import enrich
from pressdocs._messages import catalogue
from pressdocs.config import Config, Deadlines
from pressdocs.forms.spec import FIELD_IDS
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    LinkedFile,
    Message,
    Person,
    Plan,
    PlanItem,
    PressRelease,
    QAPair,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
)
from pressdocs.rules import builtin_validators
from pressdocs.store import PlanMark, Store, open_store
from rules_support import (
    assert_natural_chinese,
    at,
    check,
    materials,
    picture,
    registration,
    submission,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
WORKING = Config(deadlines=Deadlines(days="working"))
UNIT = "鸠江区人民政府"
SPAM = "365bet官网注册_o365邮箱_365bet官方网址"


def _every_rule(sub: Submission, config: Config | None = None,
                store: Store | None = None) -> list[Finding]:
    return [f for rule in builtin_validators() for f in check(rule, sub, config, store)]


def _registrations() -> Iterator[Finding]:
    empty = registration(time=at(2021, 4, 20, 9), person_in_charge=Person("", "123", ""),
                         approval_opinion="", title="", organiser="", venue="")
    yield from _every_rule(submission(reg=empty, received=at(2021, 4, 19, 10)))
    undated = registration(approval_date=None, time=None, time_text="待定")
    yield from _every_rule(submission(reg=undated, received=at(2021, 4, 1)))
    impossible = registration(time=None, time_text="2021年2月30日上午9:30")
    yield from _every_rule(submission(reg=impossible, received=at(2021, 2, 20)))
    past = registration(time=at(2021, 4, 20), time_text="2021年4月20日")
    yield from _every_rule(submission(reg=past, received=at(2021, 4, 21, 8)))
    uncovered = registration(time=at(2035, 3, 15, 9), time_text="2035年3月15日9:00",
                             filing_date=None)
    yield from _every_rule(submission(reg=uncovered, received=at(2035, 3, 13, 9)), WORKING)


def _packages() -> Iterator[Finding]:
    links = [LinkedFile(name="新闻发布稿.docx", url="https://mail.163.com/large-attachment-download/1"),
             LinkedFile(name="图4.jpg", url="https://x.invalid/2", size_text="3M",
                        expires=at(2021, 3, 1, 10)),
             LinkedFile(name="视频2.mp4", url="https://x.invalid/3", size_text="80.96M"),
             LinkedFile(name="图5.png", url="https://x.invalid/4")]
    qa = [QAPair("问题一？", "答" * 600), QAPair("问题二？", " "), QAPair("问题三？", "答" * 700)]
    mats = materials(press_release=None, linked_files=links, qa=qa,
                     pictures=[picture("图1.jpg"), picture("图3.jpg", problem="图片不完整")])
    sub = submission(reg=registration(time=at(2021, 4, 20, 9, 30)), mats=mats,
                     received=at(2021, 4, 20, 0))
    sub.documents.append(Document(name="现场照片.jpg", media_type="text/html",
                                  kind=DocumentKind.OTHER))
    yield from _every_rule(sub)
    bare = materials(press_release=PressRelease("标题", ""), qa=[], pictures=[])
    yield from _every_rule(submission(reg=registration(), mats=bare, received=at(2021, 4, 12)))
    yield from _every_rule(submission(mats=materials(press_release=None),
                                      received=at(2021, 4, 12)))
    long = materials(press_release=PressRelease("标题", "字" * 1300), linked_files=[links[3]],
                     pictures=[picture(f"图{i}.jpg") for i in range(5)])
    yield from _every_rule(submission(reg=registration(), mats=long, received=at(2021, 4, 12)))
    videos = [Document(name=f"v{i}.mp4", media_type="video/mp4", kind=DocumentKind.VIDEO)
              for i in (1, 2)]
    few = materials(qa=[QAPair("一？", "答"), QAPair("二？", "")],
                    pictures=[picture("a.jpg", problem="坏")], videos=videos)
    yield from _every_rule(submission(reg=registration(), mats=few, received=at(2021, 4, 12)))


def _earlier_registration(store: Store) -> Iterator[Finding]:
    store.save_submission(submission(
        reg=registration(time=at(2035, 4, 20, 9, 30), time_text="2035年4月20日9:30",
                         filing_date=None),
        id="r" * 64, received=at(2035, 4, 12, 10), unit="市统计局"))
    for config, sub_id in ((WORKING, "m"), (None, "n")):
        package = submission(mats=materials(), received=at(2035, 4, 20, 8), unit="市统计局",
                             id=sub_id * 64)
        yield from _every_rule(package, config, store)


def _plan(store: Store) -> Iterator[Finding]:
    rows = [(1, 1, "2020年全市经济运行情况", "市统计局"), (9, 3, "信用体系政策解读", "市发改委")]
    store.save_plan(Plan(year=2021, items=[
        PlanItem(number=n, venue="市政府新闻发布厅", month=m, topic=t, units=[u])
        for n, m, t, u in rows]))
    delayed = registration(title="信用体系政策解读新闻发布会", organiser="市发改委",
                           time=at(2021, 6, 3, 9), time_text="2021年6月3日9:00")
    yield from _every_rule(submission(reg=delayed, received=at(2021, 5, 28), unit="市发改委",
                                      id="d" * 64), None, store)
    # PD302 of an item the office moved to April: judged against the end of April
    store.mark_plan_item(2021, 9, PlanMark(state="delayed", moved_to=(2021, 4)))
    yield from _every_rule(submission(reg=delayed, received=at(2021, 5, 28), unit="市发改委",
                                      id="c" * 64), None, store)
    store.clear_plan_mark(2021, 9)
    unplanned = registration(title="全国文明城市创建工作新闻发布会", organiser="市统计局",
                             time=at(2021, 6, 3, 9))
    yield from _every_rule(submission(reg=unplanned, received=at(2021, 5, 28), unit="市统计局",
                                      id="e" * 64), None, store)
    # PD304: as like two items (市统计局's quarterly briefings), and as like three
    # (市教育局's on vocational education, planned a month apart)
    store.save_plan(Plan(year=2021, items=[
        PlanItem(number=n, venue="市政府新闻发布厅", month=m, topic=t, units=[u])
        for n, m, t, u in [*rows, (11, 4, "2021年一季度全市经济运行情况", "市统计局"),
                           (29, 7, "2021年上半年全市经济运行情况", "市统计局"),
                           (35, 8, "《职业教育校企合作促进办法》解读", "市教育局"),
                           (36, 9, "职业教育改革实施方案解读", "市教育局"),
                           (68, 10, "职业教育发展情况", "市教育局")]]))
    for title, unit, day, sub_id in (("2021年全市经济运行情况新闻发布会", "市统计局", 20, "f"),
                                     ("职业教育新闻发布会", "市教育局", 15, "g")):
        month = 5 if unit == "市统计局" else 9
        ambiguous = submission(reg=registration(title=title, organiser=unit,
                                                time=at(2021, month, day, 9)),
                               received=at(2021, month, day - 6), unit=unit, id=sub_id * 64)
        enrich(ambiguous, Config(), store)
        assert ambiguous.plan_match is not None and ambiguous.plan_match.candidates
        yield from _every_rule(ambiguous, None, store)


def _row(**overrides: Any) -> StatisticsRow:
    values: dict[str, Any] = dict(
        number=1, held_on=date(2021, 5, 12), held_on_text="2021年5月12日",
        venue="鸠江区政务服务中心", unit=UNIT, media=["芜湖日报社"],
        topic="鸠江区优化营商环境工作情况", speakers=[Speaker("李明", "区政府副区长")],
        questions_allowed=True, question_count=3)
    values.update(overrides)
    return StatisticsRow(**values)


def _table(report: StatisticsReport, received: Any, sub_id: str) -> Submission:
    return Submission(id=sub_id * 64, kind=SubmissionKind.STATISTICS, received=received,
                      statistics=report, unit=UNIT,
                      documents=[Document(name="统计表.xlsx", kind=DocumentKind.STATISTICS)])


def _statistics(store: Store) -> Iterator[Finding]:
    for i, (title, day) in enumerate([("鸠江区优化营商环境工作情况", date(2021, 5, 12)),
                                      ("鸠江区防汛工作新闻发布会", date(2021, 6, 2))]):
        store.save_submission(submission(
            reg=registration(title=title, organiser=UNIT, time=at(day.year, day.month, day.day)),
            id=f"{i}" * 64, unit=UNIT, received=at(2021, 5, 1 + i)))
    rows = [_row(), _row(number=2, held_on=date(2021, 4, 1), topic="春季植树活动"),
            _row(number=5, held_on=None, held_on_text="五月中旬", venue="", unit="", topic="",
                 media=[], speakers=[Speaker("", "")], questions_allowed=None),
            _row(number=4, speakers=[], question_count=None),
            _row(number=None, held_on=None, held_on_text="", speakers=[Speaker("张", "")])]
    report = StatisticsReport(filing_unit=UNIT, filing_date=date(2021, 6, 28), filer="张敏",
                              filer_contact="无", rows=rows)
    yield from _every_rule(_table(report, at(2021, 7, 3, 10), "t"), None, store)
    year_end = StatisticsReport(filing_unit=UNIT, filing_date=date(2021, 12, 28), filer="张敏",
                                rows=[_row(held_on=date(2021, 11, 2))])
    yield from _every_rule(_table(year_end, at(2021, 12, 28), "u"))


def _spam() -> Iterator[Finding]:
    reg = registration(remarks=f"{SPAM}市新闻发布会", content="博\u200b彩 www.abc.casino",
                       venue="投注 棋牌")
    release = PressRelease("365bet官网注册_o365邮箱_abc", "x\u200by\u200bz\u200b 彩票 真人")
    sub = submission(reg=reg, mats=materials(qa=[QAPair("问题？", f"详情请见{SPAM}官网")],
                                             press_release=release))
    sub.statistics = StatisticsReport(filing_unit="博彩", filer="百家乐", rows=[StatisticsRow(
        topic="繁昌区文化旅游推介", speakers=[Speaker("周涛", "365bet娱乐城代言人")])])
    sub.kind = SubmissionKind.BOTH
    yield from _every_rule(sub, Config(city="芜湖市"))
    yield from _every_rule(submission(reg=registration(remarks=f"{SPAM}市人民政府")),
                           Config(city=""))
    for count in (3, 14):
        plan = Plan(year=2021, title="博彩计划", items=[
            PlanItem(number=n, venue="v", month=1, topic=f"365bet主题{n}", units=["u"])
            for n in range(1, count + 1)])
        yield from _every_rule(Submission(id="p" * 64, plan=plan))


def _files() -> Iterator[Finding]:
    docs = [Document(name="登记表.doc", media_type="application/msword",
                     problem=Message.literal("文档设有打开密码", "the document is password-protected")),
            Document(name="材料.zip", media_type="application/zip", kind=DocumentKind.PACKAGE,
                     problem=Message.literal("压缩包设有密码", "the package has a password")),
            Document(name="登记表扫描件.docx", media_type="image/png", kind=DocumentKind.PICTURE)]
    yield from _every_rule(submission(documents=docs))
    poisons = [Document(name="登记表.docx", problem=Message.of(
                   "parse.unsafe_dtd", part="docProps/custom.xml")),
               Document(name="发布稿.pdf", problem=Message.of("read.timeout", seconds=60.0))]
    yield from (f for f in _every_rule(submission(documents=poisons))
                if f.code in ("PD906", "PD907"))
    scans = [Document(name="登记表.jpg", media_type="image/jpeg", kind=DocumentKind.REGISTRATION,
                      ocr={"title": 0.98, "person_in_charge.phone": 0.76})]
    yield from (f for f in _every_rule(submission(documents=scans)) if f.code == "PD908")
    shapes = submission(reg=registration(approval_date="2021-13-45"),  # type: ignore[arg-type]
                        mats=materials(qa=[QAPair("问？", "答", answer_chars=-1)]),
                        received=at(2021, 4, 12))
    shapes.statistics = StatisticsReport(rows=[StatisticsRow(number=0, question_count=-2)])
    yield from (f for f in _every_rule(shapes) if f.code == "PD903")
    cut = submission(defects=[Message.of("mail.defect.truncated")], subject="材料")
    yield from (f for f in _every_rule(cut) if f.code == "PD904")


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    found = [*_registrations(), *_packages(), *_spam(), *_files()]
    folder: Path = tmp_path_factory.mktemp("stores")
    for name, scenario in (("earlier", _earlier_registration), ("plan", _plan),
                           ("statistics", _statistics)):
        with open_store(folder / name) as store:
            found += scenario(store)
    return found


def _quoted(params: Any) -> Iterator[str]:
    """The texts a message quotes: its string parameters, and the texts of messages given
    as they are (Message.literal: a reader's words, a form's label), at any depth."""
    if isinstance(params, str):
        yield params
    elif isinstance(params, list):
        for value in params:
            yield from _quoted(value)
    elif isinstance(params, dict):
        if set(params) == {"key", "zh", "en", "params"} and not params["key"]:
            yield from (params["zh"], params["en"])
        else:
            for value in params.values():
                yield from _quoted(value)


def _keys(message: dict[str, Any]) -> Iterator[str]:
    """The catalogue keys a message was rendered from, its nested messages' included."""
    if message.get("key"):
        yield message["key"]
    for value in message.get("params", {}).values():
        for nested in value if isinstance(value, list) else [value]:
            if isinstance(nested, dict) and "key" in nested:
                yield from _keys(nested)


def test_every_builtin_rule_has_a_title_from_its_table() -> None:
    keys = catalogue("zh")
    for rule in builtin_validators():
        title = rule.title
        assert title.zh and title.en, rule.code
        assert CJK.search(title.zh) and not CJK.search(title.en), (rule.code, title)
        assert not title.zh.startswith("[") and not title.en.startswith("["), title
        if any(key.startswith(f"{rule.code}.") for key in keys):
            assert title.key == f"{rule.code}.title"
        assert rule.description == title.zh


def test_every_message_renders_in_both_languages(findings: list[Finding]) -> None:
    assert {f.code for f in findings} >= {r.code for r in builtin_validators()}
    zh_keys = catalogue("zh")
    for finding in findings:
        message = finding.message
        assert message.key.startswith(f"{finding.code}.") and message.key in zh_keys, message
        for text in (message.zh, message.en):
            assert "{" not in text and "}" not in text, text
            assert not re.search(r"\[PD\d{3}\.|\[rules\.", text), text
        english = message.en
        for quoted in sorted(_quoted(message.params), key=len, reverse=True):
            english = english.replace(quoted, "")
        assert not CJK.search(english), f"Chinese outside the quoted facts: {message.en!r}"
        assert_natural_chinese(finding)


def test_every_finding_points_at_a_known_field(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.location.field in FIELD_IDS | {""}, (finding.code, finding.location)
    assert "" in {f.location.field for f in findings if f.code == "PD501"}  # the plan's title


def test_every_entry_of_the_rules_tables_is_rendered(findings: list[Finding]) -> None:
    used = {key for f in findings for key in _keys(f.message.to_dict())}
    entries = {key for key in catalogue("zh")
               if re.match(r"PD\d{3}\.", key) and not key.endswith(".title")}
    entries |= {"rules.calendar_gap", "rules.calendar_gap_note"}
    assert entries - used == set()
