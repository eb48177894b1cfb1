"""PD501: text injected with gambling or other spam.

The city's own notice, as published, is the model case: a compromised web page had every
occurrence of the city's name replaced by "365bet官网注册_o365邮箱_365bet官方网址", so
"芜湖市人民政府" reads "365bet官网注册_o365邮箱_365bet官方网址市人民政府".  Anything the
office republishes on the disclosure site (新闻发布会实录) must be free of it.

:func:`spam_signs` looks for these signs in a text:

- **brand** — a betting brand: digits joined to "bet" (365bet, bet365, 188bet), or a
  Latin word of the trade (casino, baccarat, sportsbook);
- **keyword** — a gambling term (博彩, 娱乐城, 百家乐, 体育投注, 真人娱乐, 彩金 …).  A term
  in a sentence about fighting gambling (打击、破获、查处、严禁 …) does not count: the
  police report on cross-border gambling is not spam;
- **weak keyword** — a term that honest texts also use (彩票, 真人, 棋牌, 官网注册, 官方网址,
  投注, 下注); 福利彩票 and 体育彩票, the state lotteries, are not counted at all;
- **domain** — a web address on a betting top-level domain (.bet, .casino, .vip …) or
  whose name holds a betting word (365bet.com, xpj-casino.cc); www.wuhu.gov.cn is not;
- **chain** — words joined by underscores, as in spam page titles ("甲_乙_丙"); a chain
  holding a brand is a strong sign, one without is weak;
- **city replaced** — the place of a city's name before 市 holds a brand-like token
  (Latin letters and digits mixed: 365bet) or a gambling term instead of a name, or
  underscore-joined words before 市人民政府, 市委, 市政府, 市新闻…, 市人大, 市政协;
- **hidden** — a gambling term that appears only once zero-width characters are removed
  (博\\u200b彩); **zero width** — three or more zero-width characters (a weak sign: Word and
  web pages leave a few).

A text is spam when it shows a strong sign, or two different weak ones
(:func:`looks_like_spam`).  The rule runs on every text of a submission: the registration
form's fields, the press release, each question and answer, the statistics table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from pressdocs.capabilities import Context
from pressdocs.forms.spec import REGISTRATION, Field
from pressdocs.models import DocumentKind, Finding, Message, Severity, Submission
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, short
from pressdocs.text import strip_invisible, to_halfwidth

__all__ = [
    "SpamCheck",
    "SpamSign",
    "looks_like_spam",
    "spam_signs",
    "submission_texts",
]

_BRAND = re.compile(r"(?<![a-z])(?:\d+bet\d*|bet\d+|casino|baccarat|sportsbook|bocai)(?![a-z])")
_STRONG_TERMS = ("博彩", "娱乐城", "百家乐", "体育投注", "真人娱乐", "真人视讯", "真人荷官",
                 "彩票平台", "彩票官网", "彩票注册", "网上赌场", "线上赌场", "网络赌场", "老虎机",
                 "六合彩", "时时彩", "新葡京", "葡京娱乐", "皇冠体育", "开户送", "注册送", "彩金",
                 "首存", "返水", "电子游艺", "赌场", "赌城", "线上娱乐", "棋牌游戏平台")
_WEAK_TERMS = ("彩票", "真人", "棋牌", "官网注册", "官方网址", "投注", "下注")
_HONEST_COMPOUNDS = re.compile(r"福利彩票|体育彩票|中国福彩|中国体彩|投注站|真人真事|真人秀")
_ENFORCEMENT = re.compile(
    r"打击|破获|查处|侦破|抓获|取缔|整治|涉赌|犯罪|违法|立案|警方|公安|举报|严禁|禁止|依法|"
    r"防范|警惕|谨防|诈骗|拒绝|远离")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_DOMAIN = re.compile(r"(?<![a-z0-9.@-])(?:https?://)?((?:[a-z0-9-]+\.)+([a-z]{2,10}))(?![a-z0-9-])")
_BAD_TLDS = frozenset({"bet", "casino", "poker", "bingo", "vip", "win", "lotto", "games"})
_BAD_LABEL = re.compile(r"^bet$|\d+bet|bet\d+|casino|poker|bocai|dubo|yule|caipiao|lottery"
                        r"|baccarat|xpj|amxpj|pujing")
_CHAIN_PART = r"[^\W_]{2,40}"
_CHAIN = re.compile(rf"{_CHAIN_PART}(?:_{_CHAIN_PART}){{2,}}")
_BRANDISH = re.compile(r"[a-z]*\d+[a-z]{2,}\d*|[a-z]{2,}\d+")
_GOVERNMENT = re.compile(r"人民政府|政府|委|新闻|人大|政协")
_SLOT = re.compile(r"(\w+?)市")
#: Sign kinds from the most to the least telling, for the message.
_TELLING = ("city", "brand", "hidden", "domain", "keyword", "chain", "weak", "zero_width")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class SpamSign:
    """One sign of injected spam: its kind, the text that shows it, and whether it is
    strong enough alone."""

    kind: str  # brand, keyword, weak, domain, chain, city, hidden, zero_width
    evidence: str
    strong: bool

    def describe(self, city: str = "") -> Message:
        """The sign in words (``[PD501] sign_<kind>``); ``city`` is what a replaced city
        name should have been."""
        evidence = short(self.evidence, 30)
        if self.kind == "city":
            should = Message.of("PD501.should_be", city=city) if city else None
            return Message.of("PD501.sign_city", evidence=evidence, should=should)
        if self.kind == "zero_width":
            return Message.of("PD501.sign_zero_width", count=int(self.evidence))
        kind = "keyword" if self.kind == "weak" else self.kind
        return Message.of(f"PD501.sign_{kind}", evidence=evidence)


def spam_signs(text: str, city: str = "") -> list[SpamSign]:
    """Every sign of spam in ``text`` (see the module docstring), without repeats.

    ``city`` is the configured city ("芜湖市"): a slot before 市人民政府 that ends with it
    is the city's name, whatever comes before.
    """
    raw = to_halfwidth(text).lower()
    clean = strip_invisible(raw)
    signs: list[SpamSign] = []

    def add(sign: SpamSign) -> None:
        if sign not in signs:
            signs.append(sign)

    for match in _BRAND.finditer(clean):
        add(SpamSign("brand", match.group(0), True))
    visible = set(_terms(raw))
    for term, strong in _terms(clean):
        if strong and (term, strong) not in visible:
            add(SpamSign("hidden", term, True))
        else:
            add(SpamSign("keyword" if strong else "weak", term, strong))
    for match in _DOMAIN.finditer(clean):
        host, tld = match.group(1), match.group(2)
        if tld in _BAD_TLDS or any(_BAD_LABEL.search(label) for label in host.split(".")[:-1]):
            add(SpamSign("domain", host, True))
    middles = set()
    for match in _CHAIN.finditer(clean):
        parts = match.group(0).split("_")
        if tuple(parts[1:-1]) in middles:
            continue
        middles.add(tuple(parts[1:-1]))
        chain = "_".join([parts[0][-10:], *parts[1:-1], parts[-1][:10]])
        add(SpamSign("chain", chain, bool(_BRANDISH.search(chain) or _BRAND.search(chain))))
    for slot in _replaced_city_slots(clean, city):
        add(SpamSign("city", slot, True))
    invisible = len(_ZERO_WIDTH.findall(raw.lstrip("\ufeff")))
    if invisible >= 3:
        add(SpamSign("zero_width", str(invisible), False))
    return signs


def looks_like_spam(signs: list[SpamSign]) -> bool:
    """A strong sign, or two weak signs of different kinds or terms."""
    weak = {(s.kind, s.evidence) for s in signs if not s.strong}
    return any(s.strong for s in signs) or len(weak) >= 2


def _terms(text: str) -> Iterator[tuple[str, bool]]:
    """The gambling terms in ``text`` outside sentences about fighting gambling."""
    honest = _HONEST_COMPOUNDS.sub(lambda m: "\u3000" * len(m.group(0)), text)
    for sentence in _SENTENCE_END.split(honest):
        if _ENFORCEMENT.search(sentence):
            continue
        strong_found = [t for t in _STRONG_TERMS if t in sentence]
        yield from ((t, True) for t in strong_found)
        for term in _WEAK_TERMS:
            if term in sentence and not any(term in t for t in strong_found):
                yield term, False


def _replaced_city_slots(text: str, city: str) -> Iterator[str]:
    stem = city.removesuffix("市")
    for match in _SLOT.finditer(text):
        slot = match.group(1)
        if stem and slot.endswith(stem):
            continue
        brand = _BRANDISH.search(slot) or _BRAND.search(slot)
        if brand:
            yield slot[brand.start():]
        elif any(t in slot for t in _STRONG_TERMS) or (
                "_" in slot and _GOVERNMENT.match(text, match.end())):
            yield slot


@dataclass(frozen=True)
class _Text:
    document: str
    field: str  # the field id (pressdocs.forms.spec.FIELD_IDS)
    name: Callable[[], Message]  # the text's name in a finding ([PD501] text_*), made if needed
    text: str

    @property
    def label(self) -> Message:
        return self.name()


def submission_texts(sub: Submission) -> list[tuple[str, str, Message, str]]:
    """Every text of ``sub`` the spam check reads: ``(document, field id, label, text)``."""
    return [(t.document, t.field, t.label, t.text) for t in _texts(sub)]


#: The fields of the registration form whose text the spam check reads.
_REGISTRATION_TEXTS: tuple[str, ...] = (
    "title", "organiser", "person_in_charge.name", "person_in_charge.position", "content",
    "time", "venue", "guests", "media", "approval_opinion", "remarks", "filing_unit")


def _registration_label(field: Field) -> Message:
    return Message.of("PD501.text_registration", field=field.full_label)


def _texts(sub: Submission) -> Iterator[_Text]:
    reg = sub.registration
    if reg is not None:
        doc = document_name(sub, DocumentKind.REGISTRATION)
        for name in _REGISTRATION_TEXTS:
            field = REGISTRATION.field(name)
            value = field.value(reg)
            text = "、".join(value) if isinstance(value, list) else str(value)
            yield _Text(doc, field.id, partial(_registration_label, field), text)
    materials = sub.materials
    if materials is not None and materials.press_release is not None:
        doc = document_name(sub, DocumentKind.PRESS_RELEASE)
        release = materials.press_release
        yield _Text(doc, "materials.press_release.title", partial(Message.of, "PD501.text_release_title"),
                    release.title)
        yield _Text(doc, "materials.press_release.body", partial(Message.of, "PD501.text_release_body"),
                    release.body)
    if materials is not None:
        doc = document_name(sub, DocumentKind.QA)
        for number, pair in enumerate(materials.qa, start=1):
            yield _Text(doc, "materials.qa", partial(Message.of, "PD501.text_qa", number=number),
                        f"{pair.question}\n{pair.answer}")
    report = sub.statistics
    if report is not None:
        doc = document_name(sub, DocumentKind.STATISTICS)
        yield _Text(doc, "statistics.filing_unit",
                    partial(Message.of, "PD501.text_statistics_filing_unit"), report.filing_unit)
        yield _Text(doc, "statistics.filer", partial(Message.of, "PD501.text_statistics_filer"),
                    f"{report.filer} {report.filer_contact}")
        for index, row in enumerate(report.rows, start=1):
            speakers = "、".join(f"{s.name}{s.position}" for s in row.speakers)
            text = "\n".join((row.venue, row.unit, "、".join(row.media), row.topic, speakers))
            yield _Text(doc, "statistics.rows", partial(Message.of, "PD501.text_statistics_row", row=index),
                        text)
    yield from _plan_texts(sub)


def _plan_texts(sub: Submission) -> Iterator[_Text]:
    plan = sub.plan
    if plan is None:
        return
    doc = document_name(sub, DocumentKind.PLAN)
    # The plan's title has no field id of its own (the form spec names only the items).
    yield _Text(doc, "", partial(Message.of, "PD501.text_plan_title"), plan.title)
    # One finding for the whole table, naming the rows, rather than one per row.
    suspect = [item for item in plan.items
               if looks_like_spam(spam_signs(f"{item.venue}\n{item.topic}"))]
    rows = suspect or plan.items
    numbers = [item.number for item in rows[:12]]
    label = partial(Message.of,
                    "PD501.text_plan_items_more" if len(rows) > 12 else "PD501.text_plan_items",
                    numbers=numbers)
    yield _Text(doc, "plan.items.topic", label,
                "\n".join(f"{item.venue}\n{item.topic}" for item in rows))


class SpamCheck(Rule):
    """PD501: no text of the submission carries injected gambling or other spam."""

    code = "PD501"
    severity = Severity.ERROR
    rejects = True
    clause = CLAUSES["publication"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        city = context.config.city
        findings = []
        for text in _texts(submission):
            if not text.text.strip():
                continue
            signs = spam_signs(text.text, city)
            if not looks_like_spam(signs):
                continue
            ranked = sorted(signs, key=lambda s: _TELLING.index(s.kind))[:3]
            said = dict(zip(("first", "second", "third"),
                            (s.describe(city) for s in ranked), strict=False))
            # One entry per number of signs: each language joins them its own way (；/ ;).
            findings.append(self.finding(
                _INJECTED[len(said)], where=text.label, **said, document=text.document,
                field=text.field))
        return findings


_INJECTED = {1: "injected", 2: "injected_two", 3: "injected_three"}
