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

from pressdocs.errors import SchemaError

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
)

#: Every schema ``pressdocs schema`` knows: the models', then the outputs'.
ALL_SCHEMAS: tuple[str, ...] = SCHEMA_NAMES + OUTPUT_SCHEMA_NAMES


@cache
def load(name: str) -> dict[str, Any]:
    """The schema called ``name`` (``"registration"``) as a dict."""
    if name not in ALL_SCHEMAS:
        known = "、".join(ALL_SCHEMAS)
        raise SchemaError(f"没有名为 {name} 的数据结构（可用：{known}）",
                          f"no schema named {name} (known: {', '.join(ALL_SCHEMAS)})")
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
    where = path or "顶层"
    raise SchemaError(
        f"{name} 数据不符合结构：字段 {where}：{_zh_reason(err)}（结构见 {name}.json）",
        f"{name} does not match its schema: field {path or 'top'}: {err.message}",
        path=path,
    )


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


_TYPES_ZH = {"string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值",
             "null": "空值（null）", "object": "对象", "array": "列表"}
_FORMATS_ZH = {"date": "日期（如 2021-06-30）",
               "date-time": "带时区的日期时间（如 2021-06-30T09:30:00+08:00）"}


def _zh_reason(err: ValidationError) -> str:
    v: Any = err.validator
    expected: Any = err.validator_value
    value: Any = err.instance
    if v == "required":
        return f"缺少必填字段 {_missing(err)}"
    if v == "additionalProperties":
        return f"含有未定义的字段 {'、'.join(_unexpected(err))}，请删除或更正字段名"
    if v == "type":
        types: list[str] = expected if isinstance(expected, list) else [expected]
        return f"类型应为{'或'.join(_TYPES_ZH.get(t, t) for t in types)}，实际为 {value!r}"
    if v == "enum":
        return f"值 {value!r} 不在允许范围内（{'、'.join(map(str, expected))}）"
    if v == "format":
        return f"格式应为{_FORMATS_ZH.get(expected, expected)}，实际为 {value!r}"
    if v == "pattern":
        return f"值 {value!r} 不符合格式要求（正则 {expected}）"
    if v == "minimum":
        return f"值 {value!r} 小于最小值 {expected}"
    if v == "maximum":
        return f"值 {value!r} 大于最大值 {expected}"
    if v == "minLength":
        return "不能为空" if expected == 1 else f"长度不能少于 {expected}"
    if v == "maxLength":
        return f"长度不能超过 {expected}"
    if v == "minItems":
        return f"至少需要 {expected} 项"
    if v in ("anyOf", "oneOf"):
        wanted = [e.validator_value for e in err.context if e.validator == "type" and not e.path]
        if wanted and len(wanted) == len(err.context):
            names = "或".join(_TYPES_ZH.get(str(t), str(t)) for t in wanted)
            return f"类型应为{names}，实际为 {value!r}"
        return f"值 {value!r} 不符合允许的任何一种形式"
    return err.message
