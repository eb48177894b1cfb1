"""The JSON Schemas (draft 2020-12) of the models that leave the library.

One file per schema in this package (``plan.json``, ``registration.json``, …); the
repository's top-level ``schemas/`` holds identical copies for people who never install
Python.  Schemas refer to each other by file name (``"$ref": "document.json"``),
resolved against ``https://pressdocs.invalid/schemas/``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pressdocs._serialize import field_name, type_name
from pressdocs.errors import SchemaError
from pressdocs.models import Message

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

__all__ = ["ALL_SCHEMAS", "BASE_URI", "OUTPUT_SCHEMA_NAMES", "SCHEMA_NAMES", "load",
           "validate"]

BASE_URI = "https://pressdocs.invalid/schemas/"

#: The schemas of the models that leave the library, by name.
SCHEMA_NAMES: tuple[str, ...] = (
    "plan",
    "registration",
    "materials",
    "statistics",
    "submission",
    "finding",
    "notice",
    "document",
    "message",
)

#: The schemas of the command line's ``--json`` outputs, by command.
OUTPUT_SCHEMA_NAMES: tuple[str, ...] = (
    "batch",
    "validate",
    "parse",
    "plan-status",
    "annual",
    "notify",
    "notices",
    "statistics-table",
    "register",
    "audit",
    "review",
    "submissions",
    "submission-detail",
    "users",
)

#: Every schema ``pressdocs schema`` knows: the models', then the outputs'.
ALL_SCHEMAS: tuple[str, ...] = SCHEMA_NAMES + OUTPUT_SCHEMA_NAMES


@cache
def load(name: str) -> dict[str, Any]:
    """The schema called ``name`` (``"registration"``) as a dict."""
    if name not in ALL_SCHEMAS:
        raise SchemaError(Message.of("schema.unknown_schema", name=name,
                                     known=list(ALL_SCHEMAS)))
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (BASE_URI + f"{n}.json", Resource.from_contents(load(n))) for n in ALL_SCHEMAS
    )
    return Draft202012Validator(load(name), registry=registry, format_checker=FormatChecker())


def validate(name: str, data: Any) -> None:
    """Check ``data`` against schema ``name``; raise :class:`SchemaError` naming the field.

    When several fields are wrong, the message names the first by path order.  An error
    inside a nullable part (``anyOf`` of a ``$ref`` and ``null``) names the field deep
    inside it, not just the part; a missing or unknown field is named itself
    (``findings[0].code``), so ``exc.path`` always points at what to fix.
    """
    from jsonschema.exceptions import best_match

    found = [best_match([e]) for e in _validator(name).iter_errors(data)]
    errors = [e for e in found if e is not None]
    if not errors:
        return
    err = min(errors, key=lambda e: [(isinstance(p, str), p) for p in _field_parts(e)])
    path = _join_path(_field_parts(err))
    raise SchemaError(Message.of("schema.mismatch", name=name, field=field_name(path),
                                 reason=_reason(err)), path=path)


def _field_parts(err: ValidationError) -> list[str | int]:
    """The path of the field an error is about: for a missing or unknown field, that field."""
    parts: list[str | int] = list(err.absolute_path)
    if err.validator == "required":
        return [*parts, _missing(err)]
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        extra = _unexpected(err)
        if extra:
            return [*parts, extra[0]]
    return parts


def _join_path(parts: list[str | int]) -> str:
    text = ""
    for p in parts:
        if isinstance(p, int):
            text += f"[{p}]"
        else:
            text += f".{p}" if text else p
    return text


def _missing(err: ValidationError) -> str:
    """The required field this error is about (jsonschema reports one error per field)."""
    required: Any = err.validator_value
    instance: Any = err.instance
    names = [str(n) for n in required if n not in instance]
    for n in names:
        if err.message == f"{n!r} is a required property":
            return n
    return names[0] if names else ""


def _unexpected(err: ValidationError) -> list[str]:
    known = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
    instance: Any = err.instance
    return sorted(str(k) for k in instance if k not in known)


_FORMAT_KEYS = {"date": "schema.format_date", "date-time": "schema.format_date_time"}


def _either(names: list[Message]) -> Message:
    """``a``, ``a or b``, ``a or b or c`` (或) as one message."""
    result = names[-1]
    for name in reversed(names[:-1]):
        result = Message.of("schema.either", first=name, second=result)
    return result


def _reason(err: ValidationError) -> Message:
    """What is wrong with the field, in both languages."""
    v: Any = err.validator
    expected: Any = err.validator_value
    value: Any = err.instance
    if v == "required":
        return Message.of("schema.reason_required", field=_missing(err))
    if v == "additionalProperties":
        return Message.of("schema.reason_additional", fields=_unexpected(err))
    if v == "type":
        types: list[str] = expected if isinstance(expected, list) else [expected]
        return Message.of("schema.reason_type", expected=_either([type_name(t) for t in types]),
                          value=value)
    if v == "enum":
        return Message.of("schema.reason_enum", value=value, allowed=[str(e) for e in expected])
    if v == "format":
        key = _FORMAT_KEYS.get(expected)
        described = Message.of(key) if key else Message.literal(str(expected))
        return Message.of("schema.reason_format", expected=described, value=value)
    if v == "pattern":
        return Message.of("schema.reason_pattern", value=value, pattern=expected)
    if v == "minimum":
        return Message.of("schema.reason_minimum", value=value, limit=expected)
    if v == "maximum":
        return Message.of("schema.reason_maximum", value=value, limit=expected)
    if v == "minLength":
        return Message.of("schema.reason_empty") if expected == 1 else \
            Message.of("schema.reason_min_length", limit=expected)
    if v == "maxLength":
        return Message.of("schema.reason_max_length", limit=expected)
    if v == "minItems":
        return Message.of("schema.reason_min_items", limit=expected)
    if v in ("anyOf", "oneOf"):
        wanted = [e.validator_value for e in err.context if e.validator == "type" and not e.path]
        if wanted and len(wanted) == len(err.context):
            return Message.of("schema.reason_type", value=value,
                              expected=_either([type_name(str(t)) for t in wanted]))
        return Message.of("schema.reason_any_of", value=value)
    return Message.literal(err.message)
