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

__all__ = ["from_plain", "to_plain"]

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
        _expect(isinstance(value, list), path, "列表", "a list", value)
        return [_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _expect(isinstance(value, dict), path, "对象", "an object", value)
        return dict(value)
    if dataclasses.is_dataclass(tp):
        _expect(isinstance(value, dict), path, "对象", "an object", value)
        assert isinstance(tp, type)
        hints = _hints(tp)
        kwargs = {}
        names = {f.name for f in dataclasses.fields(tp)}
        for key in value:
            if key not in names:
                where = f"{path}.{key}" if path else key
                raise SchemaError(f"字段 {where} 不属于 {tp.__name__}",
                                  f"unknown field {where} for {tp.__name__}", path=where)
        for f in dataclasses.fields(tp):
            if f.name in value:
                sub = f"{path}.{f.name}" if path else f.name
                kwargs[f.name] = _convert(hints[f.name], value[f.name], sub)
        try:
            return tp(**kwargs)
        except TypeError as exc:
            raise SchemaError(f"{tp.__name__} 缺少必填字段（{path or '顶层'}）",
                              f"{tp.__name__} is missing a required field at {path or 'top'}: "
                              f"{exc}",
                              path=path) from None
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = "、".join(str(m.value) for m in tp)
            raise SchemaError(f"字段 {path} 的值 {value!r} 无效，应为：{allowed}",
                              f"field {path}: {value!r} is not one of {allowed}",
                              path=path) from None
    if tp is datetime:
        _expect(isinstance(value, str), path, "日期时间字符串", "a date-time string", value)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise SchemaError(f"字段 {path} 不是有效的日期时间：{value!r}",
                              f"field {path} is not a valid date-time: {value!r}",
                              path=path) from None
        _expect(parsed.tzinfo is not None, path, "带时区的日期时间", "a date-time with offset",
                value)
        return parsed
    if tp is date:
        _expect(isinstance(value, str), path, "日期字符串", "a date string", value)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise SchemaError(f"字段 {path} 不是有效的日期：{value!r}",
                              f"field {path} is not a valid date: {value!r}",
                              path=path) from None
    if tp is float:
        _expect(isinstance(value, int | float) and not isinstance(value, bool), path, "数字",
                "a number", value)
        return float(value)
    if tp in (int, str, bool):
        ok = isinstance(value, tp) and not (tp is int and isinstance(value, bool))
        label = {int: ("整数", "an integer"), str: ("字符串", "a string"),
                 bool: ("布尔值", "a boolean")}[tp]
        _expect(ok, path, label[0], label[1], value)
        return value
    raise TypeError(f"cannot convert to {tp!r}")  # a model uses a type this module lacks


def _expect(ok: bool, path: str, zh: str, en: str, value: Any) -> None:
    if not ok:
        where = path or "顶层"
        raise SchemaError(f"字段 {where} 应为{zh}，实际为 {value!r}",
                          f"field {path or 'top'} should be {en}, got {value!r}", path=path)
