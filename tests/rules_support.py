"""Shared pieces of the rule tests: building submissions, running the rules, reading
messages the way a user would.

Import in tests as ``from rules_support import ...`` (pytest puts ``tests/`` on
``sys.path``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pressdocs._app import Pressdocs
from pressdocs._enrich import match_plan
from pressdocs._plugins import load_plugins
from pressdocs._validation import validate_submission
from pressdocs.capabilities import Context, Validator
from pressdocs.config import Config
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    MaterialsPackage,
    Message,
    Person,
    PressRelease,
    QAPair,
    Registration,
    Submission,
    SubmissionKind,
)
from pressdocs.store import Store

TZ = ZoneInfo("Asia/Shanghai")
RULES_PLUGIN = ("pressdocs.builtin.rules",)
CLEAN_PRESS = Path(__file__).parent / "data" / "clean_press"

_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》")
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_FILE_SUFFIX = r"docx?|xlsx?|pdf|jpe?g|png|gif|mp4|mov|zip|7z|rar|wps|txt"
_ALLOWED = re.compile(
    rf"PD\d{{3}}|\d+(?:\.\d+)?[KMG]B?\b|[^\s“”，。：；]+\.(?:{_FILE_SUFFIX})\b", re.IGNORECASE)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An aware moment in Asia/Shanghai."""
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def english_words(message: str) -> list[str]:
    """The Latin-letter words of a Chinese message, outside quoted user data (“…”),
    rule codes, file names, file sizes (80.96M) and the capital acronyms Chinese text
    uses as they are (PDF, JPEG, HTML): a natural Chinese message has none."""
    rest = _ALLOWED.sub("", _QUOTED.sub("", message))
    return [w for w in re.findall(r"[A-Za-z]+", rest) if not _ACRONYM.fullmatch(w)]


def assert_natural_chinese(finding: Finding) -> None:
    """What a user reads: Chinese with no English fragments or raw exception text, an
    English version too, and a clause quoted."""
    zh = finding.message.zh
    assert english_words(zh) == [], f"English in the Chinese message: {zh!r}"
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    assert "None" not in zh and "Traceback" not in zh and "Error" not in zh, zh
    assert finding.message.en and re.search(r"[a-z]{3}", finding.message.en), finding
    assert finding.clause, finding


def registration(**overrides: Any) -> Registration:
    """A registration form filled in completely and correctly; override what a test needs."""
    values: dict[str, Any] = dict(
        title="2021年一季度全市经济运行情况新闻发布会", organiser="市统计局",
        person_in_charge=Person(name="王喆", phone="13905531234", position="办公室主任"),
        content="介绍一季度全市经济运行情况", time=at(2021, 4, 20, 9, 30),
        time_text="2021年4月20日上午9:30", venue="市政府新闻发布厅",
        guests=["市政府分管副秘书长"], media=["芜湖日报社", "市广播电视台"],
        approval_opinion="同意召开", approval_date=date(2021, 4, 12), filing_unit="市统计局",
        filing_date=date(2021, 4, 12))
    values.update(overrides)
    return Registration(**values)


def materials(**overrides: Any) -> MaterialsPackage:
    """A complete materials package: release, 2 Q&A, 3 pictures, 1 video."""
    values: dict[str, Any] = dict(
        press_release=PressRelease(title="一季度全市经济运行情况", body="一季度全市经济稳中向好。"),
        qa=[QAPair("一季度经济增长的主要原因是什么？", "工业生产较快增长。"),
            QAPair("下一步有何打算？", "巩固经济回升向好势头。")],
        pictures=[picture(f"图{i}.jpg") for i in (1, 2, 3)],
        videos=[Document(name="视频.mp4", media_type="video/mp4", kind=DocumentKind.VIDEO)])
    values.update(overrides)
    return MaterialsPackage(**values)


def picture(name: str, problem: str = "") -> Document:
    return Document(name=name, media_type="image/jpeg", kind=DocumentKind.PICTURE,
                    problem=Message.literal(problem) if problem else None)


def submission(*, reg: Registration | None = None, mats: MaterialsPackage | None = None,
               received: datetime | None = None, kind: SubmissionKind | None = None,
               documents: Iterable[Document] | None = None, **fields: Any) -> Submission:
    """A submission holding ``reg`` and/or ``mats``, with documents named after them."""
    docs = list(documents) if documents is not None else []
    if documents is None:
        if reg is not None:
            docs.append(Document(name="登记表.docx", kind=DocumentKind.REGISTRATION))
        if mats is not None:
            if mats.press_release is not None:
                docs.append(Document(name="发布稿.docx", kind=DocumentKind.PRESS_RELEASE))
            if mats.qa:
                docs.append(Document(name="问答.docx", kind=DocumentKind.QA))
            docs += mats.pictures + mats.videos
    if kind is None:
        kind = (SubmissionKind.BOTH if reg and mats else SubmissionKind.REGISTRATION if reg
                else SubmissionKind.MATERIALS if mats else SubmissionKind.UNRELATED)
    return Submission(id=fields.pop("id", "s1"), received=received, kind=kind, documents=docs,
                      registration=reg, materials=mats, **fields)


def app(config: Config | None = None) -> Pressdocs:
    """An application with only the built-in rules plugin."""
    return Pressdocs(config=config or Config(),
                     plugins=load_plugins(builtins=RULES_PLUGIN, entry_points=False))


def run(sub: Submission, config: Config | None = None, store: object | None = None,
        ) -> list[Finding]:
    """Every finding of every built-in rule, through the real runner."""
    return validate_submission(sub, app(config), store=store)


def check(rule: Validator, sub: Submission, config: Config | None = None,
          store: Store | None = None) -> list[Finding]:
    """The findings of one rule on ``sub`` as the pipeline hands it over: with the plan
    item it fulfils recorded when a store holds the plan (:func:`pressdocs._enrich.match_plan`)."""
    config = config or Config()
    if store is not None and sub.plan_item is None:
        found = match_plan(sub, config, store)
        if found is not None:
            sub.plan_year, sub.plan_item = found[0], found[1].number
    return list(rule.check(sub, Context(config=config, store=store)))


def codes(findings: Iterable[Finding]) -> list[str]:
    return [f.code for f in findings]
