"""The forms defined once (pressdocs.forms.spec): every field named in both languages, the
schemas naming each printed label, extraction knowing every label, and field ids read by
people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pressdocs._messages import catalogue
from pressdocs.builtin.classify import FormClassifier
from pressdocs.capabilities import Content
from pressdocs.extract.plan import PLAN_COLUMNS
from pressdocs.extract.registration import REGISTRATION_LABELS
from pressdocs.extract.statistics import STATISTICS_COLUMNS
from pressdocs.extract.tables import column_key
from pressdocs.forms import layout
from pressdocs.forms.spec import (
    FORMS,
    MATERIALS,
    PLAN,
    REGISTRATION,
    STATISTICS,
    Field,
    Form,
    describe_path,
    field_label,
    find_field,
    location_label,
)
from pressdocs.models import DocumentKind, Location
from pressdocs.text import normalize_label

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"

#: The ids findings point at (Location.field), as the rules use them, by form.
_LOCATIONS = {
    "registration": "title organiser person_in_charge person_in_charge.name "
                    "person_in_charge.phone person_in_charge.position content time venue "
                    "guests media approval_opinion approval_date remarks filing_unit filing_date",
    "statistics": "filing_unit filing_date filer filer_contact rows rows.number rows.held_on "
                  "rows.venue rows.unit rows.media rows.topic rows.speakers rows.questions "
                  "rows.questions_allowed rows.question_count",
    "plan": "items.number items.venue items.month items.topic items.units",
    "materials": "press_release press_release.title press_release.body qa qa.question "
                 "qa.answer pictures videos linked_files",
    "submission": "received message plan_item",
}
LOCATION_IDS = [f"{form}.{name}" for form, names in _LOCATIONS.items() for name in names.split()]

ALL_FIELDS = [f for form in FORMS.values() for f in form.fields]


def test_every_location_id_is_a_field_named_in_both_languages() -> None:
    for field_id in LOCATION_IDS:
        found = find_field(field_id)
        assert found is not None and found.id == field_id
        zh, en = field_label(field_id, "zh"), field_label(field_id, "en")
        assert zh and en and zh != field_id and en != field_id, field_id


@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda f: f.id)
def test_each_field_has_its_label_in_both_catalogues(field: Field) -> None:
    key = f"field.{field.id}"
    assert key in catalogue("zh") and key in catalogue("en")
    assert field.label.key == key and field.label.zh and field.label.en


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.name)
def test_each_form_is_named_and_no_label_names_two_fields(form: Form) -> None:
    assert form.label.zh and form.label.en and "[" not in form.label.zh
    seen: dict[str, str] = {}
    for field in form.fields:
        for text in field.labels:
            label = normalize_label(text)
            assert seen.setdefault(label, field.name) == field.name, (label, field.name)


def test_the_notices_disagreements_are_settled_by_the_form() -> None:
    """附件2 prints 填报单位 and 填表时间, 附件3 填表单位(公章) and 填表日期; the media are
    those invited on 附件2 and those that attended on 附件3."""
    assert REGISTRATION.field("filing_unit").printed == "填报单位"
    assert REGISTRATION.field("filing_date").printed == "填表时间"
    assert STATISTICS.field("filing_unit").printed == "填表单位(公章)"
    assert STATISTICS.field("filing_date").printed == "填表日期"
    assert REGISTRATION.field("media").printed == "拟邀请新闻单位名单"
    assert STATISTICS.field("rows.media").printed == "参加发布会的媒体单位"
    assert layout.registration_header(None) == ("填报单位：", "填表时间：")
    assert [h.split("：")[0] for h in layout.statistics_header(None)] == [
        "填表单位(公章)", "填表日期", "填表人(联系方式)"]


# --- extraction reads every label the spec gives -------------------------------------------


def test_registration_extraction_knows_every_label() -> None:
    for field in REGISTRATION.fields:
        for text in field.labels:
            assert REGISTRATION_LABELS[normalize_label(text)] == field.name


@pytest.mark.parametrize(("form", "table", "columns"), [
    (STATISTICS, "rows", STATISTICS_COLUMNS), (PLAN, "items", PLAN_COLUMNS)])
def test_every_column_label_names_its_own_column(form: Form, table: str,
                                                 columns: Any) -> None:
    for field in form.children(table):
        for text in field.labels:
            assert column_key(text, columns) == field.key, text
    # A header nobody foresaw is named by a keyword; 媒体单位 holds 单位 but is the media.
    if form is STATISTICS:
        assert column_key("参加新闻发布会的媒体单位", columns) == "media"
        assert column_key("发布会举办地点", columns) == "venue"


def test_the_writers_print_the_forms_columns_in_order() -> None:
    assert layout.STATISTICS_HEADINGS == (
        "序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题", "发布人姓名、职务",
        "是否设记者提问、记者提问个数")
    assert layout.PLAN_HEADINGS == ("序号", "地点", "时间", "发布主题", "责任单位")
    assert layout.REGISTRATION_PERSON_LABELS == ("姓名", "电话", "职务")
    assert [label for label, _ in layout.registration_rows(None)] == [
        "举办时间", "举办地点", "拟邀请领导及来宾名单", "拟邀请新闻单位名单"]


# --- the schemas name each field's printed label ----------------------------------------------


def _property(schema: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The schema of the property at ``path`` (``rows.question_count``), following $refs
    into $defs through objects, arrays and nullable anyOf."""
    node: dict[str, Any] = schema
    for part in path.split("."):
        node = _deref(schema, node)
        properties = node.get("properties", {})
        if part not in properties:
            return None
        node = properties[part]
    return node


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        elif "items" in node and isinstance(node["items"], dict):
            node = node["items"]
        elif "anyOf" in node:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node


@pytest.mark.parametrize("form", [REGISTRATION, STATISTICS, PLAN, MATERIALS],
                         ids=lambda f: f.name)
def test_each_schema_property_names_its_printed_label(form: Form) -> None:
    schema = json.loads((SCHEMAS / f"{form.name}.json").read_text("utf-8"))
    without_property = []
    for field in form.fields:
        prop = _property(schema, field.name)
        if prop is None:
            without_property.append(field.id)
            continue
        wanted = field.printed or field.label.zh
        assert wanted in prop.get("description", ""), (field.id, wanted)
    # Only the printed column the model keeps as two attributes has no property.
    assert without_property == (["statistics.rows.questions"] if form is STATISTICS else [])


# --- field ids for people ------------------------------------------------------------------


@pytest.mark.parametrize(("form", "path", "zh", "en"), [
    ("statistics", "rows[0].question_count", "行第1项.记者提问个数",
     "rows #1 › number of reporters' questions"),
    ("registration", "person_in_charge.phone", "负责人.电话", "person in charge › phone"),
    ("registration", "time_text", "举办时间", "date and time"),
    ("statistics", "rows[2].held_on_text", "行第3项.时间", "rows #3 › date held"),
    ("statistics", "rows[0].speakers[1].name", "行第1项.发布人第2项.姓名",
     "rows #1 › speakers #2 › name"),
    ("materials", "qa[1].answer_chars", "问答第2项.回答字数",
     "questions and answers #2 › answer length in characters"),
    ("materials", "pictures[0].sha256", "图片第1项.sha256", "pictures #1 › sha256"),
    ("statistics", "", "", ""),
])
def test_a_schema_error_path_is_named_in_the_forms_words(form: str, path: str, zh: str,
                                                         en: str) -> None:
    assert describe_path(form, path) == zh
    assert describe_path(form, path, "en") == en


def test_field_labels_and_locations() -> None:
    assert field_label("registration.person_in_charge.phone") == "负责人.电话"
    assert field_label("registration.filing_unit") == "填报单位"
    assert field_label("statistics.filing_unit") == "填表单位"
    assert field_label("plan.items[8].topic") == "计划安排第9项.发布主题"
    assert field_label("registration", "en") == "registration form"
    # A plugin's own field, and a location written before field ids, show as they are.
    for unknown in ("myplugin.slogan", "举办时间", "registration.slogan", ""):
        assert field_label(unknown) == unknown
    assert location_label(Location("登记表.docx", "registration.time")) == "登记表.docx：举办时间"
    assert location_label(Location("登记表.docx", "registration.time"), "en") == \
        "登记表.docx: date and time"
    assert location_label(Location("", "submission.received")) == "收到时间"
    assert location_label(Location("图1.jpg", "")) == "图1.jpg"


def test_the_classifiers_reason_is_said_in_both_languages() -> None:
    content = Content("text/plain", paragraphs=[
        "新闻发布会全称：一季度经济运行情况", "举办单位：市统计局", "举办时间：2021年4月20日 9:30"])
    result = FormClassifier().classify(content, "登记表.docx")
    assert result is not None and result.kind is DocumentKind.REGISTRATION
    assert result.reason.zh == "含有登记表的栏目：新闻发布会全称、举办单位、举办时间；文件名含“登记”"
    assert result.reason.en == ("has fields of the registration form: 新闻发布会全称, 举办单位, "
                                "举办时间; the file name contains '登记'")


@pytest.mark.parametrize("name", ["统计表.xlsx", "附件.xlsx", "上半年.xlsx"])
def test_a_statistics_table_is_not_taken_for_the_plan(name: str) -> None:
    """The statistics table has the plan's columns (序号, 时间, 地点, 单位, 发布主题) and
    columns only it has (媒体单位, 发布人, 记者提问): those decide, whatever the file is
    called, and the title 新闻发布会统计表 counts as the form's name."""
    from docfixtures import statistics_xlsx
    from pressdocs.builtin.parse_xlsx import XlsxParser

    content = XlsxParser().parse(statistics_xlsx(), name)
    result = FormClassifier().classify(content, name)
    assert result is not None and result.kind is DocumentKind.STATISTICS, result
    assert "统计表" in result.reason.zh


def test_the_plan_is_still_the_plan(seed_path: Path) -> None:
    from pressdocs.builtin.parse_text import TextParser

    content = TextParser().parse(seed_path.read_bytes(), "附件1.txt")
    result = FormClassifier().classify(content, "附件1.txt")
    assert result is not None and result.kind is DocumentKind.PLAN
