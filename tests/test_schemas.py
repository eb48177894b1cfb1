"""The JSON Schemas agree with the models, validate what the models write, and name the
field when a dict is wrong."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import types
import typing
from datetime import date, datetime
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from pressdocs import models
from pressdocs.errors import SchemaError
from pressdocs.models import (
    Document,
    Finding,
    MaterialsPackage,
    Message,
    Model,
    Notice,
    Plan,
    Registration,
    StatisticsReport,
    Submission,
)
from pressdocs.schemas import ALL_SCHEMAS, BASE_URI, SCHEMA_NAMES, load, validate
from strategies import MODEL_STRATEGIES, registrations, submissions

TOP_LEVEL_DIR = Path(__file__).resolve().parents[1] / "schemas"
PACKAGE_DIR = resources.files("pressdocs.schemas")

#: Every model that leaves the library, by its schema name.
MODELS: dict[str, type[Model]] = {
    "plan": Plan,
    "registration": Registration,
    "materials": MaterialsPackage,
    "statistics": StatisticsReport,
    "submission": Submission,
    "finding": Finding,
    "notice": Notice,
    "document": Document,
    "message": Message,
}

#: referencing's Resolver is not exported publicly; the walk below only calls .lookup().
Resolver = Any


# --- the files -------------------------------------------------------------------------


def test_each_schema_has_a_file_in_both_places() -> None:
    assert set(MODELS) == set(SCHEMA_NAMES)
    assert {p.name for p in PACKAGE_DIR.iterdir() if p.name.endswith(".json")} == {
        f"{n}.json" for n in ALL_SCHEMAS
    }
    assert {p.name for p in TOP_LEVEL_DIR.glob("*.json")} == {f"{n}.json" for n in ALL_SCHEMAS}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_model_names_its_schema_so_from_dict_validates(name: str) -> None:
    assert name == MODELS[name].SCHEMA


def test_every_model_with_a_schema_name_is_listed() -> None:
    named = {
        cls.SCHEMA for cls in (getattr(models, n) for n in models.__all__)
        if isinstance(cls, type) and issubclass(cls, Model) and cls.SCHEMA
    }
    assert named <= set(SCHEMA_NAMES)


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_top_level_copy_is_byte_identical(name: str) -> None:
    packaged = PACKAGE_DIR.joinpath(f"{name}.json").read_bytes()
    assert (TOP_LEVEL_DIR / f"{name}.json").read_bytes() == packaged


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_schema_is_valid_draft_2020_12_with_id_title_and_chinese_description(name: str) -> None:
    schema = load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{BASE_URI}{name}.json"
    assert schema["title"]
    assert re.search(r"[\u4e00-\u9fff]", schema["description"]), "names the Chinese term"
    assert re.search(r"[A-Za-z]{3,} [a-z]+", schema["description"]), "explains in English"


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_every_local_definition_is_used(name: str) -> None:
    text = json.dumps(load(name))
    for definition in load(name).get("$defs", {}):
        assert f'"#/$defs/{definition}"' in text, f"{name}.json: $defs/{definition} unused"


# --- agreement between dataclasses and schemas -------------------------------------------


def _registry(schemas: dict[str, dict[str, Any]]) -> Registry[Any]:
    return Registry().with_resources(
        (f"{BASE_URI}{n}.json", Resource.from_contents(s)) for n, s in schemas.items()
    )


def schema_mismatches(cls: type[Model], name: str,
                      schemas: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Every disagreement between model ``cls`` and schema ``name``, following nested
    dataclasses into ``$defs`` and ``$ref`` s to other files; empty when they agree."""
    schemas = schemas if schemas is not None else {n: load(n) for n in SCHEMA_NAMES}
    resolver = _registry(schemas).resolver(base_uri=f"{BASE_URI}{name}.json")
    return _compare_model(cls, schemas[name], resolver, cls.__name__)


def _compare_model(cls: type, schema: dict[str, Any], resolver: Resolver,
                   where: str) -> list[str]:
    problems = []
    if schema.get("type") != "object":
        problems.append(f"{where}: type should be object, is {schema.get('type')!r}")
    if schema.get("additionalProperties") is not False:
        problems.append(f"{where}: additionalProperties should be false")
    if not schema.get("description"):
        problems.append(f"{where}: no description")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    props: dict[str, Any] = schema.get("properties", {})
    for name in sorted(fields.keys() - props.keys()):
        problems.append(f"{where}.{name}: field of {cls.__name__} missing from the schema")
    for name in sorted(props.keys() - fields.keys()):
        problems.append(f"{where}.{name}: in the schema but not a field of {cls.__name__}")
    without_default = {
        n for n, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    required = set(schema.get("required", []))
    if required != without_default:
        problems.append(f"{where}: required is {sorted(required)}, "
                        f"fields without default are {sorted(without_default)}")
    hints = typing.get_type_hints(cls)
    for name in sorted(fields.keys() & props.keys()):
        if not props[name].get("description"):
            problems.append(f"{where}.{name}: no description")
        problems += _compare_type(hints[name], props[name], resolver, f"{where}.{name}")
    return problems


def _json_types(tp: Any) -> dict[str, Any]:
    """The JSON types an annotation allows, each with the Python type behind it."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        merged: dict[str, Any] = {}
        for arg in typing.get_args(tp):
            merged |= _json_types(arg)
        return merged
    if tp is type(None):
        return {"null": tp}
    if tp is bool:
        return {"boolean": tp}
    if tp is int:
        return {"integer": tp}
    if tp is float:
        return {"number": tp}
    if tp in (str, date, datetime) or (isinstance(tp, type) and issubclass(tp, Enum)):
        return {"string": tp}
    if typing.get_origin(tp) is list:
        return {"array": tp}
    if typing.get_origin(tp) is dict or dataclasses.is_dataclass(tp):
        return {"object": tp}
    raise AssertionError(f"no JSON type for {tp!r}")


def _branches(schema: dict[str, Any], resolver: Resolver
              ) -> list[tuple[str, dict[str, Any], Resolver]]:
    """The schema as alternatives (JSON type, the schema giving it, its resolver)."""
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        return _branches(resolved.contents, resolved.resolver)
    if "anyOf" in schema or "oneOf" in schema:
        return [b for sub in schema.get("anyOf", schema.get("oneOf", []))
                for b in _branches(sub, resolver)]
    declared = schema.get("type", "<none>")
    return [(t, schema, resolver) for t in (declared if isinstance(declared, list) else
                                            [declared])]


def _compare_type(tp: Any, schema: dict[str, Any], resolver: Resolver,
                  where: str) -> list[str]:
    expected = _json_types(tp)
    branches = {t: (s, r) for t, s, r in _branches(schema, resolver)}
    if set(branches) != set(expected):
        return [f"{where}: the model allows {sorted(expected)}, the schema {sorted(branches)}"]
    problems = []
    for json_type, py in expected.items():
        sub, sub_resolver = branches[json_type]
        if json_type == "string":
            want = {date: "date", datetime: "date-time"}.get(py)
            if sub.get("format") != want:
                problems.append(f"{where}: format should be {want!r}, is {sub.get('format')!r}")
            if isinstance(py, type) and issubclass(py, Enum):
                values = sorted(str(m.value) for m in py)
                if sorted(sub.get("enum", [])) != values:
                    problems.append(f"{where}: enum should be {values}, is {sub.get('enum')}")
        elif json_type == "array":
            (item,) = typing.get_args(py)
            problems += _compare_type(item, sub.get("items", {}), sub_resolver, f"{where}[]")
        elif json_type == "object" and dataclasses.is_dataclass(py):
            assert isinstance(py, type)
            problems += _compare_model(py, sub, sub_resolver, where)
    return problems


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_agrees_with_its_model(name: str) -> None:
    assert schema_mismatches(MODELS[name], name) == []


def test_agreement_check_reports_each_kind_of_disagreement() -> None:
    schemas = {n: copy.deepcopy(load(n)) for n in SCHEMA_NAMES}
    reg = schemas["registration"]
    reg["$defs"]["Person"]["properties"]["phone"]["type"] = "integer"
    reg["properties"]["remark"] = reg["properties"].pop("remarks")
    reg["required"] = ["title"]
    del reg["properties"]["time"]["format"]
    reg["properties"]["media"]["items"] = {"type": "integer"}
    del reg["properties"]["venue"]["description"]

    problems = schema_mismatches(Registration, "registration", schemas)

    assert problems == [
        "Registration.remarks: field of Registration missing from the schema",
        "Registration.remark: in the schema but not a field of Registration",
        "Registration: required is ['title'], fields without default are []",
        "Registration.media[]: the model allows ['string'], the schema ['integer']",
        "Registration.person_in_charge.phone: the model allows ['string'], the schema "
        "['integer']",
        "Registration.time: format should be 'date-time', is None",
        "Registration.venue: no description",
    ]


def test_agreement_check_follows_references_into_other_files() -> None:
    schemas = {n: copy.deepcopy(load(n)) for n in SCHEMA_NAMES}
    schemas["finding"]["properties"]["severity"]["enum"] = ["error", "warning"]
    schemas["document"]["properties"]["confidence"]["type"] = "integer"
    schemas["document"]["additionalProperties"] = True
    schemas["submission"]["properties"]["registration"]["anyOf"] = [
        {"$ref": "registration.json"}]

    assert schema_mismatches(Submission, "submission", schemas) == [
        "Submission.documents[]: additionalProperties should be false",
        "Submission.documents[].confidence: the model allows ['number'], the schema "
        "['integer']",
        "Submission.findings[].severity: enum should be ['error', 'info', 'warning'], "
        "is ['error', 'warning']",
        "Submission.materials.pictures[]: additionalProperties should be false",
        "Submission.materials.pictures[].confidence: the model allows ['number'], the "
        "schema ['integer']",
        "Submission.materials.videos[]: additionalProperties should be false",
        "Submission.materials.videos[].confidence: the model allows ['number'], the "
        "schema ['integer']",
        "Submission.registration: the model allows ['null', 'object'], the schema "
        "['object']",
    ]
    assert schema_mismatches(MaterialsPackage, "materials", schemas) != []
    assert schema_mismatches(Finding, "finding", schemas) != []


def test_agreement_check_notices_a_model_field_the_schema_lacks() -> None:
    @dataclasses.dataclass
    class GrownFinding(Finding):
        deadline: date | None = None

    problems = schema_mismatches(GrownFinding, "finding")

    assert problems == ["GrownFinding.deadline: field of GrownFinding missing from the schema"]


# --- what the models write validates, and reads back the same -----------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_model_dict_validates_and_round_trips(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    model = data.draw(MODEL_STRATEGIES[cls](), label=cls.__name__)
    plain = model.to_dict()

    validate(name, plain)
    assert cls.from_dict(plain) == model
    through_json = json.loads(json.dumps(plain, ensure_ascii=False))
    assert through_json == plain
    assert cls.from_dict(through_json) == model


@settings(max_examples=30, deadline=None)
@given(registrations())
def test_round_trip_keeps_the_instant_and_offset_of_conference_time(reg: Registration) -> None:
    back = Registration.from_dict(json.loads(json.dumps(reg.to_dict())))
    assert back.time is not None and reg.time is not None
    assert back.time == reg.time
    assert back.time.utcoffset() == reg.time.utcoffset()


# --- bad dicts give a SchemaError naming the field ---------------------------------------


def _good(strategy: st.SearchStrategy[Model]) -> dict[str, Any]:
    """A valid dict drawn (reproducibly) from a strategy, for corrupting."""
    found: list[dict[str, Any]] = []

    @settings(max_examples=1, database=None, phases=[Phase.generate], derandomize=True)
    @given(strategy)
    def capture(model: Model) -> None:
        found.append(model.to_dict())

    capture()
    return found[0]


def test_wrong_type_inside_a_nested_part_names_the_field_in_chinese() -> None:
    data = _good(registrations())
    data["person_in_charge"]["phone"] = 123

    with pytest.raises(SchemaError) as caught:
        Registration.from_dict(data)

    assert caught.value.path == "person_in_charge.phone"
    assert "person_in_charge.phone" in str(caught.value)
    assert "字符串" in str(caught.value)
    assert "person_in_charge.phone" in caught.value.message.en


def test_bad_enum_value_in_a_list_names_the_index() -> None:
    data = {
        "id": "a" * 64,
        "findings": [
            {"code": "PD101", "severity": "error", "message": {"zh": "登记表迟报"}},
            {"code": "PD201", "severity": "fatal", "message": {"zh": "发布稿超过1200字"}},
        ],
    }

    with pytest.raises(SchemaError) as caught:
        Submission.from_dict(data)

    assert caught.value.path == "findings[1].severity"
    assert "findings[1].severity" in str(caught.value)
    assert "fatal" in str(caught.value) and "error、warning、info" in str(caught.value)


def test_error_deep_inside_a_nullable_part_names_the_deep_field() -> None:
    data = _good(submissions())
    data["registration"] = {"person_in_charge": {"phone": 13905531234}}

    with pytest.raises(SchemaError) as caught:
        Submission.from_dict(data)

    assert caught.value.path == "registration.person_in_charge.phone"


def test_missing_required_field_is_named() -> None:
    with pytest.raises(SchemaError) as caught:
        Finding.from_dict({"severity": "error", "message": {"zh": "图片仅2张"}})

    assert caught.value.path == "code"
    assert "缺少必填字段 code" in str(caught.value)


def test_missing_required_field_in_a_list_item_is_named_with_its_index() -> None:
    data = {"id": "b" * 64, "findings": [{"severity": "info", "message": {"zh": "计划外发布会"}}]}

    with pytest.raises(SchemaError) as caught:
        validate("submission", data)

    assert caught.value.path == "findings[0].code"


def test_unknown_field_is_named() -> None:
    data = _good(registrations())
    data["person_in_charge"]["mobile"] = "13905531234"

    with pytest.raises(SchemaError) as caught:
        Registration.from_dict(data)

    assert caught.value.path == "person_in_charge.mobile"
    assert "未定义的字段 mobile" in str(caught.value)


def test_first_wrong_field_is_chosen_in_numeric_index_order() -> None:
    finding = {"code": "PD101", "severity": "error", "message": {"zh": "登记表迟报"}}
    items = [dict(finding) for _ in range(11)]
    items[10]["severity"] = "fatal"
    items[2]["severity"] = "fatal"
    data = {"id": "c" * 64, "findings": items}

    with pytest.raises(SchemaError) as caught:
        validate("submission", data)

    assert caught.value.path == "findings[2].severity"


@pytest.mark.parametrize(
    ("name", "change", "path"),
    [
        ("registration", {"time": "2021-03-15T09:30:00"}, "time"),  # no offset
        ("registration", {"time": "2021年3月15日上午9:30"}, "time"),
        ("registration", {"filing_date": "2021-6-30"}, "filing_date"),
        ("plan", {"year": 2021, "items": [{"number": 1, "venue": "市政府新闻发布厅",
                                           "month": 13, "topic": "优化营商环境",
                                           "units": ["市财政局"]}]}, "items[0].month"),
        ("plan", {"year": 2021, "items": [{"number": 0, "venue": "", "month": 3, "topic": "",
                                           "units": []}]}, "items[0].number"),
        ("plan", {"year": 21}, "year"),
        ("finding", {"code": "PD1O1", "severity": "error", "message": {"zh": "迟报"}}, "code"),
        ("finding", {"code": "PD101", "severity": "error", "message": {"zh": ""}}, "message.zh"),
        ("document", {"name": "图片1.jpg", "sha256": "A" * 64}, "sha256"),
        ("document", {"name": "图片1.jpg", "confidence": 1.5}, "confidence"),
        ("document", {"name": "图片1.jpg", "size": -1}, "size"),
        ("document", {"name": "图片1.jpg", "kind": "photo"}, "kind"),
        ("statistics", {"rows": [{"questions_allowed": "是"}]}, "rows[0].questions_allowed"),
        ("statistics", {"rows": [{"speakers": [{"position": "局长"}]}]},
         "rows[0].speakers[0].name"),
        ("materials", {"qa": [{"question": "问题", "answer_chars": -5}]}, "qa[0].answer_chars"),
        ("materials", {"linked_files": [{"name": "视频.mp4", "url": "mail.163.com/x"}]},
         "linked_files[0].url"),
        ("submission", {"id": "1234"}, "id"),
        ("submission", {"id": "d" * 64, "registration": 5}, "registration"),
        ("notice", {"key": "k", "channel": "sms", "recipients": "13905531234",
                    "template": "t"}, "recipients"),
        ("notice", {"key": "k", "channel": "sms", "recipients": [], "template": "t",
                    "lang": "fr"}, "lang"),
    ],
)
def test_constraint_violation_names_the_field(name: str, change: dict[str, Any],
                                              path: str) -> None:
    with pytest.raises(SchemaError) as caught:
        validate(name, change)

    assert caught.value.path == path
    assert f"字段 {path}" in str(caught.value)


def test_message_says_what_the_type_should_be_in_chinese() -> None:
    with pytest.raises(SchemaError) as caught:
        validate("submission", {"id": "d" * 64, "registration": 5})

    assert "类型应为对象或空值（null）" in str(caught.value)


def test_unknown_schema_name_is_refused_with_the_known_names() -> None:
    with pytest.raises(SchemaError) as caught:
        load("registrations")

    assert "registrations" in str(caught.value)
    assert "registration、materials" in str(caught.value)
