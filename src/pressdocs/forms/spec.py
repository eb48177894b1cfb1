"""The notice's forms, defined once: each field's printed label, the labels units write
instead, whether it must be filled in, and its name for people in both languages.

附件1 (计划安排), 附件2 (登记表) and 附件3 (统计表) are the notice's forms; ``materials``
(发布材料) and ``submission`` (the message itself) are pseudo-forms, so that a finding
about a press release or about when a message arrived has a field to point at too.

Everything that knows a form reads it from here:

- the form writers (:mod:`pressdocs.forms.layout`) print :attr:`Field.printed`, in the
  order of :attr:`Form.fields`;
- extraction (:mod:`pressdocs.extract`) recognises a field by :attr:`Field.labels` (the
  printed label and the :attr:`Field.variants`), a table column also by a
  :attr:`Field.keywords` inside a longer header;
- the classifier (:mod:`pressdocs.builtin.classify`) looks for the fields of
  :attr:`Form.signature`;
- a finding points at a field by its id (``registration.person_in_charge.phone``) in
  :attr:`pressdocs.Location.field`, and people read it through :func:`field_label`
  (负责人.电话 / person in charge › phone);
- the JSON Schemas' descriptions name each field's printed label (a test keeps them so).

A field id is ``<form>.<path>``, the path being the model attribute's, dotted when nested
(``statistics.rows.question_count``).  A path from a schema error also carries list
indices (``rows[0].question_count``); :func:`describe_path` names those (行第1项.记者提问个数).
The wording of every label is in the message catalogues (``[field.<form>]``), so a label
is a :class:`pressdocs.Message` like any other text for people.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pressdocs.models import Location, Message
from pressdocs.text import normalize_label

__all__ = [
    "FIELD_IDS",
    "FORMS",
    "MATERIALS",
    "PLAN",
    "REGISTRATION",
    "STATISTICS",
    "SUBMISSION",
    "Field",
    "Form",
    "describe_path",
    "field_label",
    "find_field",
    "location_label",
]


@dataclass(frozen=True)
class Field:
    """One field of a form.

    ``name`` is the model attribute it fills, dotted when nested
    (``person_in_charge.phone``, ``rows.question_count``); the one exception is a column
    the model splits in two (附件3's 是否设记者提问、记者提问个数 is ``rows.questions``, read
    into ``questions_allowed`` and ``question_count``).  ``printed`` is the label exactly
    as the notice's form prints it, ``""`` for a field the form has no label of its own for
    (审批意见's date, a split column's halves); ``variants`` are the other labels units
    write (召开时间 for 举办时间), ``keywords`` the words that name a table column inside a
    header nobody foresaw (a header holding 地点 is the venue).  ``required`` fields must
    be filled in.  ``written`` names the attribute that keeps the value as written
    (``time_text`` for ``time``), which people know by the same label.
    """

    name: str
    printed: str = ""
    variants: tuple[str, ...] = ()
    required: bool = False
    keywords: tuple[str, ...] = ()
    written: str = ""
    form: str = ""
    """The form's name; set by :class:`Form`."""

    @property
    def id(self) -> str:
        """``registration.person_in_charge.phone``: what :attr:`Location.field` holds."""
        return f"{self.form}.{self.name}"

    @property
    def key(self) -> str:
        """The last part of the name: the attribute on its own model (``phone``)."""
        return self.name.rpartition(".")[2]

    @property
    def parent(self) -> str:
        """The name of the field this one is part of, ``""`` at the top."""
        return self.name.rpartition(".")[0]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label the field goes by: the printed one first, then the variants."""
        return tuple(text for text in (self.printed, *self.variants) if text)

    @property
    def label(self) -> Message:
        """The field's own name for people (电话 / phone), from the catalogue key
        ``field.<form>.<name>``; :func:`field_label` names it with its parents."""
        return Message.of(f"field.{self.form}.{self.name}")

    @property
    def full_label(self) -> Message:
        """The field named with its group, as a sentence names it: 负责人电话 (the person in
        charge › phone); the same as :attr:`label` for a field at the top."""
        if not self.parent:
            return self.label
        parent = FORMS[self.form].field(self.parent).full_label
        return Message(key=self.label.key, zh=parent.zh + self.label.zh,
                       en=field_label(self.id, "en"))

    def value(self, model: object) -> object:
        """The field's value on ``model`` (the form's model), as written when the form
        keeps that (``time_text`` for ``time``)."""
        found: object = model
        for part in (self.written or self.name).split("."):
            found = getattr(found, part)
        return found


@dataclass(frozen=True)
class Form:
    """A form: its ``name`` (``registration``), the ``attachment`` of the notice it is
    (附件2), its printed ``title`` (新闻发布会登记表; the writers put the city and year in
    front), its ``fields`` in print order (a field's parts right after it), and the
    ``signature``: the fields whose labels tell the form apart from other documents."""

    name: str
    title: str = ""
    attachment: str = ""
    fields: tuple[Field, ...] = ()
    signature: tuple[str, ...] = ()
    _by_name: dict[str, Field] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bound = tuple(replace(f, form=self.name) for f in self.fields)
        object.__setattr__(self, "fields", bound)
        by_name = {f.name: f for f in bound}
        by_name.update({f.written: f for f in bound if f.written})
        object.__setattr__(self, "_by_name", by_name)
        names = [f.name for f in bound]
        if len(set(names)) != len(names):
            raise ValueError(f"form {self.name} names a field twice")
        for f in bound:
            if f.parent and f.parent not in names:
                raise ValueError(f"{f.id} is part of {f.parent}, which {self.name} lacks")
        for name in self.signature:
            self.field(name)

    @property
    def label(self) -> Message:
        """The form's name for people (登记表 / registration form)."""
        return Message.of(f"forms.label.{self.name}")

    def field(self, name: str) -> Field:
        """The field ``name`` (``person_in_charge.phone``); its ``written`` attribute
        (``time_text``) finds it too.  Raises :class:`KeyError` for a name not on the form."""
        found = self._by_name.get(name)
        if found is None:
            raise KeyError(f"the {self.name} form has no field {name!r}")
        return found

    def get(self, name: str) -> Field | None:
        """The field ``name``, or ``None``."""
        return self._by_name.get(name)

    def children(self, parent: str = "") -> tuple[Field, ...]:
        """The fields directly under ``parent`` (the top of the form by default), in order."""
        return tuple(f for f in self.fields if f.parent == parent)

    def columns(self, parent: str) -> tuple[Field, ...]:
        """The columns of the table ``parent`` (``rows``, ``items``) as the form prints
        them: its parts that have a printed label, in print order."""
        return tuple(f for f in self.children(parent) if f.printed)

    def labels(self, fields: Iterable[Field] | None = None) -> dict[str, str]:
        """Normalized label → field name, for ``fields`` (all of the form's by default):
        what extraction looks for (:func:`pressdocs.text.normalize_label`)."""
        return {normalize_label(text): f.name for f in (self.fields if fields is None else fields)
                for text in f.labels}


REGISTRATION = Form(
    "registration",
    title="新闻发布会登记表",
    attachment="附件2",
    fields=(
        Field("filing_unit", "填报单位", ("填表单位",)),
        Field("filing_date", "填表时间", ("填报时间", "填表日期", "填报日期")),
        Field("title", "新闻发布会全称", ("发布会全称", "新闻发布会名称"), required=True),
        Field("organiser", "举办单位", ("主办单位",), required=True),
        Field("person_in_charge", "负责人"),
        Field("person_in_charge.name", "姓名", required=True),
        Field("person_in_charge.phone", "电话", ("联系电话", "手机"), required=True),
        Field("person_in_charge.position", "职务", required=True),
        Field("content", "新闻发布会内容（可以附附件）", ("新闻发布会内容", "发布会内容")),
        Field("time", "举办时间", ("召开时间", "发布时间"), required=True, written="time_text"),
        Field("venue", "举办地点", ("召开地点",), required=True),
        Field("guests", "拟邀请领导及来宾名单", ("拟邀请领导及嘉宾名单",)),
        Field("media", "拟邀请新闻单位名单", ("拟邀请媒体名单",)),
        Field("approval_opinion", "审批意见"),
        Field("approval_date"),
        Field("remarks", "备注"),
    ),
    signature=("title", "organiser", "person_in_charge", "time", "venue", "guests", "media",
               "approval_opinion"),
)
"""附件2, 新闻发布会登记表: the header line (填报单位, 填表时间), then the table."""

STATISTICS = Form(
    "statistics",
    title="新闻发布会统计表",
    attachment="附件3",
    fields=(
        Field("filing_unit", "填表单位(公章)", ("填报单位(公章)", "填表单位(盖章)", "填表单位",
                                               "填报单位")),
        Field("filing_date", "填表日期", ("填表时间", "填报日期", "填报时间")),
        Field("filer", "填表人(联系方式)", ("填表人(联系电话)", "填表人", "填报人")),
        Field("filer_contact", "", ("联系方式", "联系电话")),
        Field("rows"),
        Field("rows.number", "序号", ("编号",)),
        Field("rows.held_on", "时间", ("日期", "发布时间", "举办时间", "召开时间", "发布日期"),
              required=True, keywords=("时间", "日期"), written="rows.held_on_text"),
        Field("rows.venue", "地点", ("发布地点", "举办地点", "召开地点"), keywords=("地点",)),
        Field("rows.unit", "单位", ("发布单位", "举办单位", "主办单位"), keywords=("单位",)),
        Field("rows.media", "参加发布会的媒体单位", ("参会媒体", "参加媒体", "媒体单位",
                                                     "参会媒体单位"), keywords=("媒体",)),
        Field("rows.topic", "发布主题", ("主题", "发布内容"), required=True, keywords=("主题",)),
        Field("rows.speakers", "发布人姓名、职务", ("发布人姓名职务", "发布人", "发布人及职务",
                                                   "发布人姓名及职务"), keywords=("发布人",)),
        Field("rows.speakers.name"),
        Field("rows.speakers.position"),
        Field("rows.questions", "是否设记者提问、记者提问个数", ("是否设记者提问及提问个数",),
              keywords=("提问",)),
        Field("rows.questions_allowed", "", ("是否设记者提问", "是否设提问", "是否提问",
                                             "是否设置记者提问")),
        Field("rows.question_count", "", ("记者提问个数", "提问个数", "提问数", "记者提问数")),
        Field("year"),
    ),
    signature=("filing_unit", "filer", "rows.media", "rows.speakers", "rows.questions"),
)
"""附件3, 新闻发布会统计表: the header line (填表单位(公章), 填表日期, 填表人(联系方式)), then
one row per conference.  Some tables split the last column into 是否设记者提问 and 记者提问个数,
the two halves the model keeps."""

PLAN = Form(
    "plan",
    title="新闻发布会计划安排",
    attachment="附件1",
    fields=(
        Field("title"),
        Field("items"),
        Field("items.number", "序号", ("编号",)),
        Field("items.venue", "地点", ("发布地点", "举办地点", "召开地点"), keywords=("地点",)),
        Field("items.month", "时间", ("计划时间", "发布时间", "时间安排", "拟发布时间", "月份",
                                      "召开时间"), required=True, keywords=("时间", "月份")),
        Field("items.topic", "发布主题", ("主题", "发布内容", "新闻发布主题", "发布会主题"),
              required=True, keywords=("主题",)),
        Field("items.units", "责任单位", ("牵头单位", "发布单位", "单位", "责任部门"),
              required=True, keywords=("单位", "部门")),
        Field("year"),
        Field("source"),
    ),
    signature=("items.number", "items.venue", "items.month", "items.topic", "items.units"),
)
"""附件1, 新闻发布会计划安排: one row per planned conference."""

MATERIALS = Form(
    "materials",
    fields=(
        Field("press_release"),
        Field("press_release.title"),
        Field("press_release.body"),
        Field("press_release.chars"),
        Field("qa"),
        Field("qa.question"),
        Field("qa.answer"),
        Field("qa.answer_chars"),
        Field("pictures"),
        Field("videos"),
        Field("linked_files"),
        Field("linked_files.name"),
        Field("linked_files.url"),
        Field("linked_files.size"),
        Field("linked_files.expires"),
    ),
)
"""发布材料, not a printed form: the press release, the Q&A, pictures, videos, and files
sent as download links."""

SUBMISSION = Form(
    "submission",
    fields=(Field("received"), Field("message"), Field("plan_item")),
)
"""The message itself: when it was received, the message as a whole, and the item of the
annual plan it answers to."""

#: Every form by name.
FORMS: dict[str, Form] = {f.name: f for f in (REGISTRATION, STATISTICS, PLAN, MATERIALS,
                                              SUBMISSION)}
#: Every field id a finding may point at (``Location.field``).
FIELD_IDS: frozenset[str] = frozenset(f.id for form in FORMS.values() for f in form.fields)

#: How the parts of a path are joined, by language.
_JOINERS = {"zh": ".", "en": " › "}
_SEGMENT = re.compile(r"^(?P<name>[^\[\]]*)(?P<indices>(?:\[\d+\])*)$")


def find_field(field_id: str) -> Field | None:
    """The field with the id ``field_id`` (``registration.time``), or ``None``."""
    form_name, _, name = field_id.partition(".")
    form = FORMS.get(form_name)
    return form.get(name) if form is not None and name else None


def field_label(field_id: str, lang: str = "zh") -> str:
    """A field id as people read it, each part named: ``registration.person_in_charge.phone``
    is 负责人.电话 (person in charge › phone), ``statistics.rows[0].question_count`` is
    行第1项.记者提问个数.

    An id the forms do not know (a plugin's own field, or a location written before field
    ids) comes back as it is; a part of a known field that the form does not name keeps its
    attribute name.
    """
    form_name, _, path = field_id.partition(".")
    form = FORMS.get(form_name)
    if form is None:
        return field_id
    if not path:
        return form.label.text(lang)
    if form.get(re.sub(r"\[\d+\]", "", path).partition(".")[0]) is None:
        return field_id
    return _describe(form, path, lang)


def describe_path(form: str, model_path: str, lang: str = "zh") -> str:
    """A path into one of ``form``'s models, as a schema error gives it
    (``rows[0].question_count``, ``person_in_charge.phone``), named for people:
    行第1项.记者提问个数, 负责人.电话; ``""`` for the model itself."""
    if not model_path:
        return ""
    known = FORMS.get(form)
    return _describe(known, model_path, lang) if known else model_path


def location_label(location: Location, lang: str = "zh") -> str:
    """Where a finding points, for people: ``登记表.docx：负责人.电话``; the document or the
    field alone when the other is empty."""
    where = field_label(location.field, lang) if location.field else ""
    if location.document and where:
        return f"{location.document}{'：' if lang == 'zh' else ': '}{where}"
    return location.document or where


def _describe(form: Form, path: str, lang: str) -> str:
    from pressdocs._messages import render_text

    parts: list[str] = []
    name = ""
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            parts.append(segment)
            continue
        name = f"{name}.{match['name']}" if name else match["name"]
        known = form.get(name)
        if known is not None:
            name = known.name  # time_text is read as time: its parts are time's
        text = known.label.text(lang) if known is not None else match["name"]
        for index in re.findall(r"\d+", match["indices"]):
            text = render_text("field.item", {"label": text, "number": int(index) + 1}, lang)
        parts.append(text)
    return _JOINERS.get(lang, ".").join(parts)
