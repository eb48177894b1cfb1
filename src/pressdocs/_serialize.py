"""Conversion between model dataclasses and plain, JSON-ready values.

Dates become ISO 8601 strings (``2021-06-30``), aware datetimes ISO 8601 with their
offset (``2021-06-30T09:30:00+08:00``), enums their value; nested models become dicts.
The reverse direction is driven by the dataclass type hints, so a model needs no code
of its own to round-trip.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from pressdocs.errors import SchemaError
from pressdocs.models import Message

__all__ = ["field_name", "from_plain", "to_plain", "type_name"]

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """Turn a model (or a value inside one) into plain JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` (a model dataclass) from plain data; errors name the field path."""
    return typing.cast(T, _convert(cls, data, path))


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            return _convert(arg, value, path)
    if tp is Any:
        return value
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        _expect(isinstance(value, list), path, "array", value)
        return [_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _expect(isinstance(value, dict), path, "object", value)
        return dict(value)
    if dataclasses.is_dataclass(tp):
        _expect(isinstance(value, dict), path, "object", value)
        assert isinstance(tp, type)
        hints = _hints(tp)
        kwargs = {}
        names = {f.name for f in dataclasses.fields(tp)}
        for key in value:
            if key not in names:
                where = f"{path}.{key}" if path else key
                raise _error(where, "schema.unknown_field", field=where, model=tp.__name__)
        for f in dataclasses.fields(tp):
            if f.name in value:
                sub = f"{path}.{f.name}" if path else f.name
                kwargs[f.name] = _convert(hints[f.name], value[f.name], sub)
        missing = [f.name for f in dataclasses.fields(tp) if f.name not in kwargs and f.init
                   and f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING]
        if missing:
            raise _error(path, "schema.missing_fields", model=tp.__name__, field=field_name(path),
                         names=missing)
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise _error(path, "schema.bad_enum", field=field_name(path), value=value,
                         allowed=[str(m.value) for m in tp]) from None
    if tp is datetime:
        _expect(isinstance(value, str), path, "datetime_text", value)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise _error(path, "schema.bad_datetime", field=field_name(path), value=value) from None
        _expect(parsed.tzinfo is not None, path, "aware_datetime", value)
        return parsed
    if tp is date:
        _expect(isinstance(value, str), path, "date_text", value)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _error(path, "schema.bad_date", field=field_name(path), value=value) from None
    if tp is float:
        _expect(isinstance(value, int | float) and not isinstance(value, bool), path, "number",
                value)
        return float(value)
    if tp in (int, str, bool):
        ok = isinstance(value, tp) and not (tp is int and isinstance(value, bool))
        _expect(ok, path, {int: "integer", str: "string", bool: "boolean"}[tp], value)
        return value
    raise TypeError(f"cannot convert to {tp!r}")  # a model uses a type this module lacks


#: The catalogue entries naming the kinds of value a field can hold.
_TYPE_NAMES: dict[str, str] = {
    "string": "schema.type_string", "integer": "schema.type_integer",
    "number": "schema.type_number", "boolean": "schema.type_boolean",
    "null": "schema.type_null", "object": "schema.type_object", "array": "schema.type_array",
    "datetime_text": "schema.type_datetime_text", "date_text": "schema.type_date_text",
    "aware_datetime": "schema.type_aware_datetime",
}


def type_name(kind: str) -> Message:
    """The name of a kind of value (``"string"``, a JSON Schema type, …) in both languages."""
    key = _TYPE_NAMES.get(kind)
    return Message.of(key) if key else Message.literal(kind)


def field_name(path: str) -> str | Message:
    """A field path for a message: the path itself, or "the top" (顶层) when it is empty."""
    return path or Message.of("schema.top")


def _error(path: str, key: str, /, **params: Any) -> SchemaError:
    return SchemaError(Message.of(key, **params), path=path)


def _expect(ok: bool, path: str, kind: str, value: Any) -> None:
    if not ok:
        raise _error(path, "schema.wrong_type", field=field_name(path), expected=type_name(kind),
                     value=value)
