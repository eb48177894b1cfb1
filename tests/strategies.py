"""Hypothesis strategies that build every model with values a press office really sees.

Units are named the way the notice names them (市财政局, 鸠江区人民政府, 开发区管委会),
people have common and GBK-only names (王喆, 朱镕), phones are written as staff write
them (13905531234, 0553-3831234, (0553)3831234, 0553-3831234转801), times are aware
datetimes in Asia/Shanghai and dates stay within the years ``chinese_calendar`` knows.
Values inside one model agree with each other: ``time_text`` is ``time`` as written,
a statistics row's ``held_on_text`` is its ``held_on``, a plan's rows are numbered 1..n.

Import in tests as ``from strategies import registrations`` (pytest puts ``tests/`` on
``sys.path``).  :data:`MODEL_STRATEGIES` maps each model that has a JSON Schema to its
strategy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    LinkedFile,
    Location,
    MaterialsPackage,
    Message,
    Model,
    Notice,
    Person,
    Plan,
    PlanItem,
    PressRelease,
    QAPair,
    Registration,
    Severity,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)

__all__ = [
    "COUNTY_UNITS",
    "MEDIA_OUTLETS",
    "MODEL_STRATEGIES",
    "MUNICIPAL_UNITS",
    "SHANGHAI",
    "VENUES",
    "aware_datetimes",
    "conference_times",
    "county_units",
    "dates",
    "documents",
    "emails",
    "findings",
    "landline_phones",
    "linked_files",
    "locations",
    "materials_packages",
    "media_outlets",
    "mobile_phones",
    "municipal_units",
    "notices",
    "person_names",
    "persons",
    "phones",
    "plan_items",
    "plans",
    "positions",
    "press_releases",
    "qa_pairs",
    "registration_forms",
    "registrations",
    "sha256_hex",
    "speakers",
    "statistics_reports",
    "statistics_rows",
    "submissions",
    "topics",
    "units",
    "venues",
    "word_count",
    "written_date",
    "written_datetime",
]

T = TypeVar("T")

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: 市直各单位: municipal departments.
MUNICIPAL_UNITS = (
    "市财政局", "市农业农村局", "市公安局", "市教育局", "市卫生健康委", "市人力资源和社会保障局",
    "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市商务局", "市市场监督管理局",
    "市医疗保障局", "市文化和旅游局", "市民政局", "市应急管理局", "市数据资源管理局",
    "市发展改革委", "市经济和信息化局", "市科技局", "市自然资源和规划局", "市城市管理局",
    "市退役军人事务局", "市税务局", "市统计局", "市政府办",
)
#: 各县(市)区政府 and 各开发区管委会: they also file the statistics table (统计表).
COUNTY_UNITS = (
    "镜湖区人民政府", "弋江区人民政府", "鸠江区人民政府", "湾沚区人民政府", "繁昌区人民政府",
    "南陵县人民政府", "无为市人民政府", "经济技术开发区管委会", "高新技术产业开发区管委会",
    "三山经济开发区管委会", "江北新兴产业集中区管委会",
)
VENUES = (
    "市政府新闻发布厅", "市企业服务中心", "市公安局会议室", "市民服务中心三楼会议室",
    "市行政中心1号楼新闻发布厅", "区政府三楼第一会议室", "开发区管委会新闻发布室",
)
MEDIA_OUTLETS = (
    "新华社安徽分社", "人民网安徽频道", "中国新闻社安徽分社", "安徽日报", "安徽广播电视台",
    "市日报社", "大江晚报", "市广播电视台", "市融媒体中心", "传媒集团", "中安在线",
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
          "涛", "明", "超", "秀英", "华", "喆", "镕", "晓东", "海燕", "志刚", "建国", "婷婷")
_POSITIONS = (
    "局长", "副局长", "党组书记、局长", "党组成员、副局长", "办公室主任", "新闻发言人", "副区长",
    "副县长", "主任", "副主任", "科长", "二级调研员", "宣传科科长", "管委会副主任",
)
_THEMES = (
    "优化营商环境", "医疗保障待遇调整", "义务教育招生政策", "城市防汛抗旱", "乡村振兴",
    "安全生产专项整治", "就业创业扶持政策", "长江十年禁渔", "文明城市创建", "老旧小区改造",
    "新冠疫苗接种", "财政预算执行情况", "农村人居环境整治", "数字政府建设",
)
_REGULATIONS = ("城市市容和环境卫生管理条例", "物业管理条例", "养犬管理条例",
                "文明行为促进条例", "关于促进经济高质量发展的若干政策")
_SENTENCES = (
    "今年以来，我市坚持稳中求进工作总基调，各项工作取得积极进展。",
    "全市共完成固定资产投资同比增长12.5%，增速居全省前列。",
    "下一步，我们将进一步加大政策落实力度，确保各项措施落地见效。",
    "截至2021年2月底，累计为企业减税降费3.2亿元。",
    "“一网通办”事项覆盖率达到100%，群众办事更加便捷。",
    "《实施意见》共分为五个部分，明确了十八项重点任务。",
    "我们将围绕群众关心的热点问题，及时回应社会关切。",
    "各县（市）区要压实属地责任，加强统筹调度。",
    "本次发布会的主要内容包括三个方面：一是政策背景，二是主要内容，三是下一步工作。",
    "欢迎各位记者朋友提问。",
)
_QUESTIONS = (
    "请问这项政策主要惠及哪些群体？",
    "群众办理相关业务需要准备哪些材料？",
    "下一步在推进落实方面有哪些具体举措？",
    "与往年相比，今年的政策有哪些新变化？",
    "如何保障资金及时足额发放到位？",
)


def _pick(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def municipal_units() -> st.SearchStrategy[str]:
    """市直各单位, e.g. 市财政局."""
    return _pick(MUNICIPAL_UNITS)


def county_units() -> st.SearchStrategy[str]:
    """县(市)区政府 and 开发区管委会, e.g. 鸠江区人民政府."""
    return _pick(COUNTY_UNITS)


def units() -> st.SearchStrategy[str]:
    """Any unit that holds conferences."""
    return st.one_of(municipal_units(), county_units())


def venues() -> st.SearchStrategy[str]:
    """地点, e.g. 市政府新闻发布厅."""
    return _pick(VENUES)


def media_outlets() -> st.SearchStrategy[str]:
    """新闻单位, e.g. 新华社安徽分社."""
    return _pick(MEDIA_OUTLETS)


def person_names() -> st.SearchStrategy[str]:
    """Two- and three-character names, some with GBK-only characters (喆, 镕)."""
    return st.builds(lambda s, g: s + g, st.sampled_from(_SURNAMES), _pick(_GIVEN))


def positions() -> st.SearchStrategy[str]:
    """职务, e.g. 副局长."""
    return _pick(_POSITIONS)


def topics(year: int | None = None) -> st.SearchStrategy[str]:
    """发布主题 as the plan writes them, with 《》 and “” quotes."""
    years = st.just(year) if year else st.integers(2018, 2026)
    return st.one_of(
        st.builds(lambda y, t: f"{y}年{t}工作情况", years, _pick(_THEMES)),
        st.builds(lambda t: f"《{t}》政策解读", _pick(_REGULATIONS)),
        st.builds(lambda t: f"“{t}”专项行动进展情况", _pick(_THEMES)),
        st.builds(lambda y, t: f"{y}年{t}新闻发布会", years, _pick(_THEMES)),
    )


def mobile_phones() -> st.SearchStrategy[str]:
    """Mainland mobiles, 1[3-9] and nine digits, e.g. 13905531234."""
    return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def landline_phones() -> st.SearchStrategy[str]:
    """Landlines with the 0553 area code, as written: 0553-3831234, (0553)3831234, …"""
    number = st.from_regex(r"[2-8][0-9]{6}", fullmatch=True)
    written = st.sampled_from(("0553-{}", "(0553){}", "（0553）{}", "0553 {}", "0553{}"))
    plain = st.builds(lambda fmt, n: fmt.format(n), written, number)
    extension = st.builds(lambda n, e: f"0553-{n}转{e}", number, st.integers(100, 899))
    full_width = st.builds(lambda n: ("0553-" + n).translate(_FULL_WIDTH), number)
    return st.one_of(plain, plain, extension, full_width)


_FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def phones() -> st.SearchStrategy[str]:
    """Phone numbers as staff write them: mobiles and landlines."""
    return st.one_of(mobile_phones(), landline_phones())


def emails() -> st.SearchStrategy[str]:
    """Unit mailboxes, e.g. czjxwb2021@163.com."""
    local = st.builds(lambda p, n: f"{p}{n}", st.sampled_from(
        ("czj", "nyncj", "gaj", "jyj", "wjw", "xwb", "bgs", "zwgk", "jhqzf")),
        st.sampled_from(("", "xwb", "2021", "_office", "123")))
    domain = st.sampled_from(("163.com", "126.com", "qq.com", "foxmail.com", "yeah.net"))
    return st.builds(lambda u, d: f"{u}@{d}", local, domain)


def sha256_hex() -> st.SearchStrategy[str]:
    """A SHA-256 digest as lowercase hex."""
    return st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


def dates(min_value: date = date(2018, 1, 1),
          max_value: date = date(2026, 12, 31)) -> st.SearchStrategy[date]:
    """Dates within the years ``chinese_calendar`` knows, by default."""
    return st.dates(min_value=min_value, max_value=max_value)


def conference_times(min_value: date = date(2018, 1, 1),
                     max_value: date = date(2026, 12, 31)) -> st.SearchStrategy[datetime]:
    """举办时间: an aware Asia/Shanghai datetime in office hours, on the quarter hour."""
    clock = st.builds(time, st.integers(8, 17), st.sampled_from((0, 15, 30, 45)))
    return st.builds(lambda d, t: datetime.combine(d, t, tzinfo=SHANGHAI),
                     dates(min_value, max_value), clock)


def aware_datetimes(min_value: date = date(2018, 1, 1),
                    max_value: date = date(2026, 12, 31)) -> st.SearchStrategy[datetime]:
    """Any aware Asia/Shanghai datetime to the second (mail arrives at any hour)."""
    return st.datetimes(
        min_value=datetime.combine(min_value, time()),
        max_value=datetime.combine(max_value, time(23, 59, 59)),
        timezones=st.just(SHANGHAI),
    ).map(lambda dt: dt.replace(microsecond=0))


_ZH_DIGITS = "〇一二三四五六七八九"


def _zh_number(n: int) -> str:
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def written_date(d: date, style: int) -> str:
    """``d`` written the ways users write dates (style 0..5).

    0: 2021年6月30日 (GB/T 9704), 1: 2021-06-30, 2: 6月30日, 3: 二〇二一年六月三十日,
    4: 2021.6.30, 5: 2021/06/30.
    """
    match style % 6:
        case 0:
            return f"{d.year}年{d.month}月{d.day}日"
        case 1:
            return d.isoformat()
        case 2:
            return f"{d.month}月{d.day}日"
        case 3:
            year = "".join(_ZH_DIGITS[int(c)] for c in str(d.year))
            return f"{year}年{_zh_number(d.month)}月{_zh_number(d.day)}日"
        case 4:
            return f"{d.year}.{d.month}.{d.day}"
        case _:
            return f"{d.year}/{d.month:02d}/{d.day:02d}"


def written_datetime(dt: datetime, style: int) -> str:
    """``dt`` written as on a registration form (style 0..3), e.g. 2021年3月15日上午9:30."""
    day = f"{dt.year}年{dt.month}月{dt.day}日"
    half = "上午" if dt.hour < 12 else "下午"
    hour12 = dt.hour if dt.hour <= 12 else dt.hour - 12
    match style % 4:
        case 0:
            return f"{day}{half}{hour12}:{dt.minute:02d}"
        case 1:
            return f"{day} {dt.hour:02d}:{dt.minute:02d}"
        case 2:
            minutes = f"{dt.minute}分" if dt.minute else ""
            return f"{dt.month}月{dt.day}日{half}{hour12}时{minutes}"
        case _:
            return dt.strftime("%Y-%m-%d %H:%M")


def word_count(text: str) -> int:
    """字数 the way Word counts it, for the text these strategies write.

    Each non-space character other than a Latin letter, digit or ASCII punctuation
    counts one; a run of Latin letters and digits (with . and %) counts one word.
    """
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9.%]*", text)
    rest = re.sub(r"[A-Za-z0-9][A-Za-z0-9.%]*|\s", "", text)
    return len(words) + len(rest)


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


def _distinct(strategy: st.SearchStrategy[str], max_size: int,
              min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique=True)


# --- 附件1 -------------------------------------------------------------------------------


@st.composite
def plan_items(draw: st.DrawFn, number: int | None = None,
               year: int | None = None) -> PlanItem:
    """One row of 附件1; one or two responsible units, like the seed's row 10."""
    return PlanItem(
        number=number if number is not None else draw(st.integers(1, 74)),
        venue=draw(venues()),
        month=draw(st.integers(1, 12)),
        topic=draw(topics(year)),
        units=draw(_distinct(units(), max_size=2, min_size=1)),
        year=year,
    )


@st.composite
def plans(draw: st.DrawFn, max_items: int = 6) -> Plan:
    """附件1 for one year, rows numbered 1..n."""
    year = draw(st.integers(2018, 2026))
    size = draw(st.integers(0, max_items))
    items = [draw(plan_items(number=n, year=draw(st.sampled_from((year, None)))))
             for n in range(1, size + 1)]
    return Plan(
        year=year,
        items=items,
        title=draw(st.sampled_from((f"{year}年市政府新闻发布会计划安排", ""))),
        source=draw(st.sampled_from((f"附件1：{year}年新闻发布会计划安排.docx",
                                     "计划安排.xlsx", ""))),
    )


# --- 附件2 -------------------------------------------------------------------------------


def persons() -> st.SearchStrategy[Person]:
    """负责人 with name, phone as written, and position."""
    return st.builds(Person, name=person_names(), phone=phones(), position=positions())


@st.composite
def registrations(draw: st.DrawFn, complete: bool = True) -> Registration:
    """附件2 filled in consistently: filed and approved before the conference.

    With ``complete=False`` any field may also be blank, as on forms that arrive
    half filled.
    """
    when = draw(conference_times())
    unit = draw(units())
    filed = when.date() - timedelta(days=draw(st.integers(0, 10)))
    approved = filed - timedelta(days=draw(st.integers(0, 3)))
    topic = draw(topics(when.year))
    # a guest list is split on 、, so a guest's own title must not contain one
    guests = [f"{draw(positions().filter(lambda p: '、' not in p))}{draw(person_names())}"
              for _ in range(draw(st.integers(0, 3)))]
    reg = Registration(
        title=topic if topic.endswith("新闻发布会") else f"{topic}新闻发布会",
        organiser=unit,
        person_in_charge=draw(persons()),
        content=draw(st.sampled_from(_SENTENCES)) + "（详见附件）",
        time=when,
        time_text=written_datetime(when, draw(st.integers(0, 3))),
        venue=draw(venues()),
        guests=guests,
        media=draw(_distinct(media_outlets(), max_size=5)),
        approval_opinion=draw(st.sampled_from(("同意召开。", "同意，请按程序报市新闻办。", ""))),
        approval_date=approved,
        remarks=draw(st.sampled_from(("", "发布材料另行报送", "视频资料以超大附件形式发送"))),
        filing_unit=unit,
        filing_date=filed,
    )
    if not complete:
        blank = draw(st.sets(st.sampled_from(("title", "organiser", "time", "venue",
                                               "approval_date", "filing_date", "remarks"))))
        for name in blank:
            setattr(reg, name, None if name in ("time", "approval_date", "filing_date") else "")
        if reg.time is None:
            reg.time_text = draw(st.sampled_from(("", "202127", "三月中旬", "待定")))
    return reg


@st.composite
def registration_forms(draw: st.DrawFn) -> Registration:
    """附件2 filled in the way that tests a printed form's layout: guest and media lists
    long enough to wrap in their cells, the person in charge's phone with its area code
    in brackets (（0553）3831234) or an extension (0553-3831234转801), 审批意见 written or
    left empty, signed with its date or not."""
    reg = draw(registrations())
    number = st.from_regex(r"[2-8][0-9]{6}", fullmatch=True)
    reg.person_in_charge.phone = draw(st.one_of(
        st.builds(lambda n: f"（0553）{n}", number),
        st.builds(lambda n: f"(0553){n}", number),
        st.builds(lambda n, e: f"0553-{n}转{e}", number, st.integers(100, 899)),
        mobile_phones()))
    reg.guests = [f"{draw(positions().filter(lambda p: '、' not in p))}{draw(person_names())}"
                  for _ in range(draw(st.one_of(st.just(0), st.integers(3, 9))))]
    reg.media = draw(_distinct(media_outlets(), min_size=draw(st.one_of(st.just(0),
                                                                        st.integers(4, 8))),
                               max_size=len(MEDIA_OUTLETS)))
    reg.approval_opinion = draw(st.sampled_from((
        "", "同意。", "同意召开。", "同意，请按程序报市新闻办。",
        "同意召开，请做好新闻发布会的组织和宣传工作，发布材料于发布会召开前一天报送市新闻办。")))
    if draw(st.booleans()):
        reg.approval_date = None
    return reg


# --- the materials package ---------------------------------------------------------------


@st.composite
def press_releases(draw: st.DrawFn) -> PressRelease:
    """发布稿: a title and a body of real-looking sentences, sometimes over 1200 字."""
    body = "".join(draw(st.lists(_pick(_SENTENCES), min_size=1, max_size=40)))
    return PressRelease(
        title=draw(topics()),
        body=body,
        chars=draw(st.sampled_from((word_count(body), None))),
    )


@st.composite
def qa_pairs(draw: st.DrawFn) -> QAPair:
    """One question with its answer and the answer's 字数."""
    answer = "".join(draw(st.lists(_pick(_SENTENCES), max_size=12)))
    return QAPair(question=draw(_pick(_QUESTIONS)), answer=answer,
                  answer_chars=draw(st.sampled_from((word_count(answer), None))))


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCUMENT_SAMPLES: dict[DocumentKind, tuple[tuple[str, str], ...]] = {
    DocumentKind.REGISTRATION: (
        ("附件2：新闻发布会登记表.docx", _DOCX),
        ("登记表.doc", "application/msword"),
        ("新闻发布会登记表.wps", "application/msword"),
    ),
    DocumentKind.STATISTICS: (
        ("附件3：新闻发布会统计表（上半年）.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("统计表.xls", "application/vnd.ms-excel"),
    ),
    DocumentKind.PLAN: (("附件1：新闻发布会计划安排.pdf", "application/pdf"),),
    DocumentKind.PRESS_RELEASE: (
        ("发布稿.docx", _DOCX),
        ("新闻通稿.doc", "application/msword"),
    ),
    DocumentKind.QA: (
        ("答记者问.docx", _DOCX),
        ("问答口径.txt", "text/plain"),
    ),
    DocumentKind.PICTURE: (
        ("现场图片1.jpg", "image/jpeg"), ("IMG_20210315_093012.jpg", "image/jpeg"),
        ("图片2.png", "image/png"),
    ),
    DocumentKind.VIDEO: (("发布会视频.mp4", "video/mp4"), ("现场视频.mov", "video/quicktime")),
    DocumentKind.PACKAGE: (
        ("发布材料.zip", "application/zip"), ("材料.rar", "application/vnd.rar"),
        ("材料.7z", "application/x-7z-compressed"),
    ),
    DocumentKind.OTHER: (("正文.html", "text/html"), ("Thumbs.db", "application/octet-stream")),
}


_PROBLEMS = (
    ("", ""), ("", ""), ("", ""),
    ("文件已加密，无法读取，请发送未加密的文件", "the file is encrypted; send it unencrypted"),
    ("文件已损坏或不完整，请重新发送", "the file is damaged or truncated; send it again"),
    ("无法读取 .wps 文件：未安装 LibreOffice", "cannot read .wps: LibreOffice is not installed"),
)


@st.composite
def documents(draw: st.DrawFn, kinds: tuple[DocumentKind, ...] = tuple(DocumentKind)) -> Document:
    """A file as it arrived, its name and media type fitting its kind; a few unreadable."""
    kind = draw(st.sampled_from(kinds))
    name, media_type = draw(st.sampled_from(_DOCUMENT_SAMPLES[kind]))
    origin = draw(st.sampled_from(("attachment", "attachment", "inline", "body", "package",
                                   "link", "file")))
    problem, problem_en = draw(st.sampled_from(_PROBLEMS))
    return Document(
        name=name,
        media_type=media_type,
        size=draw(st.integers(0, 80 * 1024 * 1024)),
        sha256=draw(st.one_of(sha256_hex(), st.just(""))),
        kind=kind,
        confidence=draw(st.one_of(st.just(1.0), st.floats(0, 1, allow_nan=False))),
        origin=origin,
        container="发布材料.zip" if origin == "package" else "",
        problem=Message(key="parse.sample", zh=problem, en=problem_en) if problem else None,
    )


@st.composite
def linked_files(draw: st.DrawFn) -> LinkedFile:
    """A 163 超大附件 or a QQ 中转站 link, with its size note and expiry."""
    name = draw(st.sampled_from(("发布会视频.mp4", "现场图片.zip", "发布材料.rar")))
    megabytes = draw(st.integers(100, 200_000)) / 100
    provider = draw(st.sampled_from(("163", "qq")))
    key = draw(st.from_regex(r"[0-9A-Za-z]{24}", fullmatch=True))
    url = (f"https://mail.163.com/large-attachment-download/index.html?p={key}&title={name}"
           if provider == "163" else f"https://wx.mail.qq.com/ftn/download?func=3&k={key}")
    return LinkedFile(
        name=name,
        url=url,
        size=draw(st.sampled_from((round(megabytes * 1024 * 1024), None))),
        size_text=f"{megabytes:.2f}M",
        expires=draw(_maybe(aware_datetimes())),
        provider=provider,
    )


@st.composite
def materials_packages(draw: st.DrawFn) -> MaterialsPackage:
    """发布材料: release, Q&A, pictures and videos, sometimes short of what is required."""
    return MaterialsPackage(
        press_release=draw(_maybe(press_releases())),
        qa=draw(st.lists(qa_pairs(), max_size=4)),
        pictures=draw(st.lists(documents((DocumentKind.PICTURE,)), max_size=4)),
        videos=draw(st.lists(documents((DocumentKind.VIDEO,)), max_size=1)),
        linked_files=draw(st.lists(linked_files(), max_size=2)),
    )


# --- 附件3 -------------------------------------------------------------------------------


def speakers() -> st.SearchStrategy[Speaker]:
    """发布人: name and position."""
    return st.builds(Speaker, name=person_names(), position=positions())


@st.composite
def statistics_rows(draw: st.DrawFn, number: int | None = None,
                    within: tuple[date, date] = (date(2018, 1, 1), date(2026, 12, 31)),
                    ) -> StatisticsRow:
    """One row of 附件3; ``held_on_text`` is ``held_on`` as written."""
    held = draw(dates(*within))
    allowed = draw(st.sampled_from((True, False, None)))
    count = draw(st.integers(1, 10)) if allowed else draw(st.sampled_from((0, None)))
    return StatisticsRow(
        number=number,
        held_on=held,
        held_on_text=written_date(held, draw(st.integers(0, 5))),
        venue=draw(venues()),
        unit=draw(county_units()),
        media=draw(_distinct(media_outlets(), max_size=6, min_size=1)),
        topic=draw(topics(held.year)),
        speakers=draw(st.lists(speakers(), min_size=1, max_size=3)),
        questions_allowed=allowed,
        question_count=count,
    )


@st.composite
def statistics_reports(draw: st.DrawFn, max_rows: int = 5) -> StatisticsReport:
    """附件3 filed on June 30 or December 30 for the half year just ended."""
    year = draw(st.integers(2018, 2026))
    first_half = draw(st.booleans())
    start, end = ((date(year, 1, 1), date(year, 6, 30)) if first_half
                  else (date(year, 7, 1), date(year, 12, 30)))
    unit = draw(county_units())
    rows = [draw(statistics_rows(number=n, within=(start, end)))
            for n in range(1, draw(st.integers(0, max_rows)) + 1)]
    for row in rows:
        row.unit = unit
    return StatisticsReport(
        filing_unit=unit,
        filing_date=draw(st.sampled_from((end, end - timedelta(days=1), None))),
        filer=draw(person_names()),
        filer_contact=draw(phones()),
        rows=rows,
        year=draw(st.sampled_from((year, None))),
    )


# --- findings, submissions, notices ------------------------------------------------------

_FINDINGS: tuple[tuple[str, Severity, str, str, str, str], ...] = (
    ("PD101", Severity.ERROR, "登记表应于发布会前3天报送，本次仅提前1天",
     "The registration form is due 3 days before the conference; it came 1 day before",
     "将新闻发布会登记表（附件2）于新闻发布会召开前3天报送市新闻办", "举办时间"),
    ("PD102", Severity.ERROR, "发布材料应于发布会前1天发送至市新闻办邮箱",
     "The materials package is due 1 day before the conference",
     "于新闻发布会召开前1天将发布材料报送至市新闻办邮箱", ""),
    ("PD201", Severity.WARNING, "发布稿1350字，超过原则上不超过1200字的要求",
     "The press release has 1350 字, over the soft limit of 1200",
     "发布稿电子版（原则上不超过1200字）", "正文"),
    ("PD202", Severity.ERROR, "提问问题及回答仅1个，至少需要2个",
     "Only 1 question with answer; at least 2 are required",
     "提问问题及回答（不少于2个问题，每个回答不超过500字）", ""),
    ("PD204", Severity.ERROR, "图片仅2张，应提供3张", "Only 2 pictures; 3 are required",
     "与发布内容相关图片3张", ""),
    ("PD301", Severity.WARNING, "负责人电话“0553-383123”无法识别为有效号码",
     "The phone of the person in charge is not a valid number", "", "负责人.电话"),
    ("PD401", Severity.INFO, "本次发布会不在年度计划内（计划外发布会）",
     "This conference is not in the annual plan (unplanned)",
     "没有列入计划的单位，可根据工作需要适时召开新闻发布会", ""),
)


@st.composite
def locations(draw: st.DrawFn) -> Location:
    """Where a finding points."""
    return Location(
        document=draw(st.sampled_from(("", "附件2：新闻发布会登记表.docx", "发布稿.docx"))),
        field=draw(st.sampled_from(("", "举办时间", "负责人.电话", "正文"))),
    )


@st.composite
def messages(draw: st.DrawFn, zh: str = "", en: str = "") -> Message:
    """A text in both languages with the key and parameters it came from."""
    return Message(
        key=draw(st.sampled_from(("", "PD203.too_long", "mail.defect.truncated"))),
        zh=zh or draw(st.sampled_from(("邮件被截断", "发布稿共1350字，超过1200字"))),
        en=draw(st.sampled_from((en, "the message was cut off", ""))),
        params=draw(st.sampled_from(({}, {"chars": 1350, "limit": 1200},
                                     {"day": "2021-06-30", "reason": {"zh": "晚了", "en": "late"}}))),
    )


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    """A broken rule of the notice, with messages in Chinese and English."""
    code, severity, zh, en, clause, field_name = draw(st.sampled_from(_FINDINGS))
    document = draw(st.sampled_from(("", "附件2：新闻发布会登记表.docx", "发布稿.docx")))
    return Finding(
        code=code,
        severity=severity,
        message=draw(messages(zh, en)),
        location=Location(document=document, field=field_name),
        clause=clause,
    )


_SUBJECTS = (
    "关于报送{topic}新闻发布会登记表的函", "{unit}新闻发布会材料", "转发：{topic}",
    "【更正】{unit}登记表", "{unit}上半年新闻发布会统计表", "Re: {topic}",
)


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    """One message with what was found in it; its parts fit its kind."""
    kind = draw(st.sampled_from(tuple(SubmissionKind)))
    unit = draw(county_units() if kind is SubmissionKind.STATISTICS else units())
    with_registration = kind in (SubmissionKind.REGISTRATION, SubmissionKind.BOTH,
                                 SubmissionKind.CORRECTION)
    with_materials = kind in (SubmissionKind.MATERIALS, SubmissionKind.BOTH)
    found = draw(st.lists(findings(), max_size=3))
    status = (draw(st.sampled_from((SubmissionStatus.INCOMPLETE, SubmissionStatus.ERROR)))
              if any(f.severity is Severity.ERROR for f in found)
              else draw(st.sampled_from(tuple(SubmissionStatus))))
    subject = draw(st.sampled_from(_SUBJECTS)).format(topic=draw(topics()), unit=unit)
    return Submission(
        id=draw(sha256_hex()),
        source=draw(st.sampled_from(("imaps://imap.163.com/INBOX", "maildir:/srv/mail/new",
                                     "/home/xwb/收件/2021-03"))),
        message_id=draw(st.builds(lambda k, d: f"<{k}@{d}>",
                                  st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
                                  st.sampled_from(("163.com", "qq.com", "foxmail.com")))),
        subject=subject,
        sender=draw(emails()),
        sender_name=draw(st.one_of(st.just(unit), person_names())),
        received=draw(_maybe(aware_datetimes())),
        kind=kind,
        status=status,
        unit=unit,
        plan_item=draw(_maybe(st.integers(1, 74))),
        plan_year=draw(_maybe(st.integers(2018, 2026))),
        documents=draw(st.lists(documents(), max_size=4)),
        registration=draw(registrations(complete=False)) if with_registration else None,
        materials=draw(materials_packages()) if with_materials else None,
        statistics=(draw(statistics_reports(max_rows=3))
                    if kind is SubmissionKind.STATISTICS else None),
        findings=found,
        corrects=draw(sha256_hex()) if kind is SubmissionKind.CORRECTION else "",
        defects=draw(st.lists(messages(), max_size=2)),
    )


_CONTEXT_EXTRAS: dict[str, st.SearchStrategy[Any]] = {
    "deadline": dates().map(date.isoformat),
    "missing": st.lists(st.sampled_from(("发布稿", "问答", "图片", "视频")), unique=True),
    "count": st.integers(0, 10),
    "ratio": st.floats(0, 1, allow_nan=False),
    "late": st.booleans(),
    "note": st.one_of(st.none(), topics()),
}


@st.composite
def notices(draw: st.DrawFn) -> Notice:
    """A notification to a unit by email, SMS or a group bot; the context is plain JSON."""
    channel = draw(st.sampled_from(("email", "sms", "dingtalk", "wecom")))
    recipient: st.SearchStrategy[str] = {
        "email": emails(), "sms": mobile_phones(),
    }.get(channel, st.sampled_from(("新闻发布工作群", "政务公开工作群")))
    template = draw(st.sampled_from(("registration_received", "materials_missing",
                                     "deadline_reminder", "statistics_due")))
    submission_id = draw(st.one_of(sha256_hex(), st.just("")))
    extra = draw(st.fixed_dictionaries({}, optional=_CONTEXT_EXTRAS))
    context: dict[str, Any] = {"unit": draw(units()), "title": draw(topics()), **extra}
    return Notice(
        key=f"{submission_id[:12] or 'plan'}:{template}:{channel}",
        channel=channel,
        recipients=draw(st.lists(recipient, min_size=1, max_size=3, unique=True)),
        template=template,
        context=context,
        unit=str(context["unit"]),
        submission_id=submission_id,
        lang=draw(st.sampled_from(("zh", "en"))),
    )


#: The strategy of each model that has a JSON Schema (``Model.SCHEMA``).
MODEL_STRATEGIES: dict[type[Model], Callable[[], st.SearchStrategy[Any]]] = {
    Plan: plans,
    Registration: lambda: registrations(complete=False),
    MaterialsPackage: materials_packages,
    StatisticsReport: statistics_reports,
    Submission: submissions,
    Finding: findings,
    Notice: notices,
    Document: documents,
    Message: messages,
}
