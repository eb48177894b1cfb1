"""The registry of capabilities: what each plugin added, by kind and name.

Plugins add capabilities through ``register_*`` hooks; the plugin manager hands each
plugin a ``register`` callback bound to that plugin's name, so the registry always knows
who registered what.  A second capability with the same kind and name (or a second
validator with the same code) is refused with a :class:`pressdocs.errors.PluginError`
naming both plugins; the one refused is always the one that came second, and since
built-ins register first, a clash with a built-in blames the third-party plugin.  A
validator is checked as it is registered: its ``code`` has the form of the finding
schema (PD101), its ``severity`` is a :class:`pressdocs.Severity`, and its ``check`` can
be called with ``(submission, context)``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from pressdocs.capabilities import CAPABILITY_KINDS, Capability, Validator
from pressdocs.errors import PluginError
from pressdocs.models import Message, Severity

__all__ = ["Registration", "Registry"]

C = TypeVar("C", bound=Capability)


@dataclass(frozen=True)
class Registration:
    """One registered capability and the plugin behind it."""

    capability: Capability
    plugin: str

    @property
    def kind(self) -> str:
        return self.capability.kind

    @property
    def name(self) -> str:
        return self.capability.name


class Registry:
    """Capabilities by kind, in registration order, each with the plugin that added it.

    ``builtin`` names the built-in plugins, so that a clash with one of them gets advice
    that fits (a built-in cannot be left out; a rule is replaced by switching it off).
    """

    def __init__(self, builtin: Iterable[str] = ()) -> None:
        self._by_kind: dict[str, dict[str, Registration]] = {k: {} for k in CAPABILITY_KINDS}
        self._builtin = frozenset(builtin)

    def add(self, capability: Capability, plugin: str, expected_kind: str) -> None:
        """Record ``capability`` for ``plugin``; refuse a wrong type or a duplicate name
        (and, for validators, a duplicate code) with a :class:`PluginError` that names
        ``plugin`` — the one that came second — and says what to do."""
        base = CAPABILITY_KINDS[expected_kind]
        if not isinstance(capability, base):
            raise PluginError.of("plugin.wrong_type", plugin=plugin, capability=repr(capability),
                                 hook=f"register_{expected_kind}s", base=base.__name__)
        name = capability.name
        if not name:
            raise PluginError.of("plugin.no_name", plugin=plugin, cls=type(capability).__name__)
        if isinstance(capability, Validator):
            _check_validator(capability, plugin)
            self._check_code(capability, plugin)
        existing = self._by_kind[expected_kind].get(name)
        if existing is not None:
            raise PluginError.of("plugin.name_taken", plugin=plugin, base=base.__name__,
                                 name=name, owner=self._owner(existing.plugin),
                                 advice=self._advice(existing.plugin, expected_kind))
        self._by_kind[expected_kind][name] = Registration(capability, plugin)

    def _check_code(self, validator: Validator, plugin: str) -> None:
        for reg in self._by_kind[validator.kind].values():
            other = reg.capability
            if isinstance(other, Validator) and other.code == validator.code:
                raise PluginError.of("plugin.code_taken", plugin=plugin,
                                     validator=validator.name, code=validator.code,
                                     owner=self._owner(reg.plugin),
                                     advice=Message.of("plugin.advice_code", code=validator.code))

    def _owner(self, plugin: str) -> Message:
        key = "plugin.owner_builtin" if plugin in self._builtin else "plugin.owner"
        return Message.of(key, plugin=plugin)

    def _advice(self, owner: str, kind: str) -> Message:
        if owner not in self._builtin:
            return Message.of("plugin.advice_load_one")
        if kind == "parser":
            return Message.of("plugin.advice_parser")
        return Message.of("plugin.advice_rename")

    def remove_plugin(self, plugin: str) -> list[Registration]:
        """Forget everything ``plugin`` registered (a plugin that failed half-way); the
        registrations removed are returned."""
        removed = []
        for regs in self._by_kind.values():
            for name, reg in list(regs.items()):
                if reg.plugin == plugin:
                    removed.append(regs.pop(name))
        return removed
    def register_for(self, plugin: str, kind: str) -> Callable[[Capability], None]:
        """The ``register`` callback handed to ``plugin``'s ``register_<kind>s`` hook."""

        def register(capability: Capability) -> None:
            self.add(capability, plugin, kind)

        return register

    def all(self, kind: str) -> list[Registration]:
        """Every registration of ``kind`` in registration order."""
        return list(self._by_kind[kind].values())

    def of(self, base: type[C]) -> list[C]:
        """The capabilities that are instances of ``base`` (e.g. ``Parser``), in order."""
        kind = base.kind
        return [r.capability for r in self._by_kind[kind].values()
                if isinstance(r.capability, base)]

    def get(self, base: type[C], name: str) -> C | None:
        """The capability of ``base``'s kind called ``name``, or None."""
        reg = self._by_kind[base.kind].get(name)
        if reg is None or not isinstance(reg.capability, base):
            return None
        return reg.capability

    def plugin_of(self, capability: Capability) -> str:
        """The name of the plugin that registered ``capability`` ("" if none did)."""
        reg = self._by_kind[capability.kind].get(capability.name)
        return reg.plugin if reg is not None and reg.capability is capability else ""

    def by_plugin(self, plugin: str) -> dict[str, list[str]]:
        """What ``plugin`` registered: kind → names (only kinds it used)."""
        result: dict[str, list[str]] = {}
        for kind, regs in self._by_kind.items():
            names = [r.name for r in regs.values() if r.plugin == plugin]
            if names:
                result[kind] = names
        return result

    def __iter__(self) -> Iterator[Registration]:
        for regs in self._by_kind.values():
            yield from regs.values()


@cache
def _code_pattern() -> re.Pattern[str]:
    """The form of a rule code, as the finding schema states it (PD101: ``^[A-Z]{2}[0-9]{3}$``)."""
    from pressdocs.schemas import load

    return re.compile(load("finding")["properties"]["code"]["pattern"])


def _check_validator(validator: Validator, plugin: str) -> None:
    """Refuse a validator whose findings could never be right: a code not of the form
    PD101, a severity that is not a :class:`Severity`, a title that is not a
    :class:`pressdocs.Message` (the catalogue shows it in both languages), a ``check``
    that cannot be called with ``(submission, context)``."""
    code: object = validator.code
    if not isinstance(code, str) or not _code_pattern().fullmatch(code):
        raise PluginError.of("plugin.bad_code", plugin=plugin, validator=validator.name,
                             code=repr(code))
    severity: object = validator.severity
    if not isinstance(severity, Severity):
        raise PluginError.of("plugin.bad_severity", plugin=plugin, validator=validator.name,
                             severity=repr(severity))
    title: object = validator.title
    if not isinstance(title, Message):
        raise PluginError.of("plugin.bad_title", plugin=plugin, validator=validator.name,
                             title=repr(title))
    try:
        signature = inspect.signature(validator.check)
    except (TypeError, ValueError):  # no signature to read (a builtin): let it run
        return
    try:
        signature.bind(None, None)
    except TypeError:
        raise PluginError.of("plugin.bad_check", plugin=plugin, validator=validator.name,
                             signature=str(signature)) from None
