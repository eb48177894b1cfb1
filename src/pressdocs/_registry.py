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

A built-in plugin's capabilities are *declared* first, from its manifest entry
(:mod:`pressdocs._manifest`: kind, name and, for a validator, code): listing
them, checking a name or a code against them and answering :meth:`Registry.by_plugin`
import nothing.  The plugin's module is imported, and its ``register_*`` hooks called,
the first time one of its capabilities itself is asked for (:meth:`Registry.of`,
:meth:`Registry.get`, :attr:`Registration.capability`); what it registers then must be
exactly what it declared, or it is a :class:`pressdocs.errors.PluginError`.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import NamedTuple, TypeVar

from pressdocs.capabilities import CAPABILITY_KINDS, Capability, Validator
from pressdocs.errors import PluginError
from pressdocs.models import Message, Severity

__all__ = ["Declared", "Registration", "Registry"]

C = TypeVar("C", bound=Capability)


class Declared(NamedTuple):
    """A capability a built-in plugin declares in its manifest, before its module is
    imported: its kind (``"parser"``…), its name and, for a validator, its code."""

    kind: str
    name: str
    code: str = ""


class Registration:
    """One registered capability and the plugin behind it.

    ``kind``, ``name`` and ``code`` (a validator's; "" otherwise) are known from the
    start; :attr:`capability` of a declared built-in is made on first use (its module
    imported then).
    """

    __slots__ = ("_capability", "_load", "code", "kind", "name", "plugin")

    def __init__(self, kind: str, name: str, plugin: str, *, code: str = "",
                 capability: Capability | None = None,
                 load: Callable[[], None] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.plugin = plugin
        self.code = code
        self._capability = capability
        self._load = load

    @property
    def loaded(self) -> bool:
        """Whether the capability object exists (a declared built-in's: once used)."""
        return self._capability is not None

    @property
    def capability(self) -> Capability:
        """The capability; a declared built-in's module is imported on first use."""
        if self._capability is None and self._load is not None:
            self._load()
        if self._capability is None:  # the loader checks every declared name is filled
            raise AssertionError(f"{self.plugin} did not register {self.kind} {self.name!r}")
        return self._capability

    def __repr__(self) -> str:
        state = "" if self.loaded else ", declared"
        return f"<Registration {self.kind} {self.name!r} by {self.plugin}{state}>"


class Registry:
    """Capabilities by kind, in registration order, each with the plugin that added it.

    ``builtin`` names the built-in plugins, so that a clash with one of them gets advice
    that fits (a built-in cannot be left out; a rule is replaced by switching it off).
    """

    def __init__(self, builtin: Iterable[str] = ()) -> None:
        self._by_kind: dict[str, dict[str, Registration]] = {k: {} for k in CAPABILITY_KINDS}
        self._builtin = frozenset(builtin)
        self._loaders: dict[str, Callable[[], None]] = {}  # declared plugin → its loader
        self._filling: str = ""  # the declared plugin whose module is registering
        self._lock = threading.RLock()  # one thread imports a declared plugin at a time

    def add(self, capability: Capability, plugin: str, expected_kind: str) -> None:
        """Record ``capability`` for ``plugin``; refuse a wrong type or a duplicate name
        (and, for validators, a duplicate code) with a :class:`PluginError` that names
        ``plugin`` — the one that came second — and says what to do.  While a declared
        plugin's module registers (:meth:`filling`), what it registers must be what it
        declared."""
        base = CAPABILITY_KINDS[expected_kind]
        if not isinstance(capability, base):
            raise PluginError.of("plugin.wrong_type", plugin=plugin, capability=repr(capability),
                                 hook=f"register_{expected_kind}s", base=base.__name__)
        name = capability.name
        if not name:
            raise PluginError.of("plugin.no_name", plugin=plugin, cls=type(capability).__name__)
        code = ""
        if isinstance(capability, Validator):
            _check_validator(capability, plugin)
            code = capability.code
        existing = self._by_kind[expected_kind].get(name)
        if plugin == self._filling:
            self._fill(existing, capability, plugin, base, code)
            return
        self._check_free(expected_kind, name, code, plugin)
        self._by_kind[expected_kind][name] = Registration(expected_kind, name, plugin,
                                                          code=code, capability=capability)

    def declare(self, plugin: str, declared: Iterable[Declared],
                load: Callable[[], None]) -> None:
        """Reserve what built-in ``plugin`` declares, in order, without its module;
        ``load`` imports the module and registers the capabilities for real (inside
        :meth:`filling`), called the first time one of them is needed.  A name or code
        already taken is refused as :meth:`add` refuses it."""
        for item in declared:
            self._check_free(item.kind, item.name, item.code, plugin)
            self._by_kind[item.kind][item.name] = Registration(
                item.kind, item.name, plugin, code=item.code,
                load=lambda: self.load(plugin))
        self._loaders[plugin] = load

    @contextlib.contextmanager
    def filling(self, plugin: str) -> Iterator[None]:
        """While declared ``plugin``'s module registers: each capability takes the place
        it declared; anything it did not declare, or declared and did not register, is a
        :class:`PluginError`."""
        self._filling = plugin
        try:
            yield
        finally:
            self._filling = ""
        missing = [r for r in self._by_kind_of(plugin) if not r.loaded]
        if missing:
            reg = missing[0]
            raise PluginError.of("plugin.declared_not_registered", plugin=plugin,
                                 base=CAPABILITY_KINDS[reg.kind].__name__, name=reg.name)

    def load(self, plugin: str) -> None:
        """Import declared ``plugin`` now, if it is not yet (what :attr:`Registration.capability`
        does on first use)."""
        with self._lock:
            if any(not r.loaded for r in self._by_kind_of(plugin)):
                self._loaders[plugin]()

    def _fill(self, existing: Registration | None, capability: Capability, plugin: str,
              base: type[Capability], code: str) -> None:
        if existing is None or existing.plugin != plugin or existing.loaded:
            raise PluginError.of("plugin.not_declared", plugin=plugin, base=base.__name__,
                                 name=capability.name)
        if existing.code != code:
            raise PluginError.of("plugin.declared_code", plugin=plugin,
                                 validator=capability.name, code=code, declared=existing.code)
        existing._capability = capability

    def _check_free(self, kind: str, name: str, code: str, plugin: str) -> None:
        """Refuse ``name`` (and ``code``) when another capability of ``kind`` has it."""
        base = CAPABILITY_KINDS[kind]
        if code:
            for reg in self._by_kind[kind].values():
                if reg.code == code:
                    raise PluginError.of("plugin.code_taken", plugin=plugin, validator=name,
                                         code=code, owner=self._owner(reg.plugin),
                                         advice=Message.of("plugin.advice_code", code=code))
        existing = self._by_kind[kind].get(name)
        if existing is not None:
            raise PluginError.of("plugin.name_taken", plugin=plugin, base=base.__name__,
                                 name=name, owner=self._owner(existing.plugin),
                                 advice=self._advice(existing.plugin, kind))

    def _owner(self, plugin: str) -> Message:
        key = "plugin.owner_builtin" if plugin in self._builtin else "plugin.owner"
        return Message.of(key, plugin=plugin)

    def _advice(self, owner: str, kind: str) -> Message:
        if owner not in self._builtin:
            return Message.of("plugin.advice_load_one")
        if kind == "parser":
            return Message.of("plugin.advice_parser")
        return Message.of("plugin.advice_rename")

    def _by_kind_of(self, plugin: str) -> list[Registration]:
        return [r for regs in self._by_kind.values() for r in regs.values() if r.plugin == plugin]

    def remove_plugin(self, plugin: str) -> list[Registration]:
        """Forget everything ``plugin`` registered (a plugin that failed half-way); the
        registrations removed are returned."""
        removed = []
        for regs in self._by_kind.values():
            for name, reg in list(regs.items()):
                if reg.plugin == plugin:
                    removed.append(regs.pop(name))
        self._loaders.pop(plugin, None)
        return removed

    def register_for(self, plugin: str, kind: str) -> Callable[[Capability], None]:
        """The ``register`` callback handed to ``plugin``'s ``register_<kind>s`` hook."""

        def register(capability: Capability) -> None:
            self.add(capability, plugin, kind)

        return register

    def all(self, kind: str) -> list[Registration]:
        """Every registration of ``kind`` in registration order (a declared built-in's
        capability is made when its :attr:`Registration.capability` is read)."""
        return list(self._by_kind[kind].values())

    def of(self, base: type[C]) -> list[C]:
        """The capabilities that are instances of ``base`` (e.g. ``Parser``), in order;
        the declared built-ins of its kind are imported first."""
        regs = list(self._by_kind[base.kind].values())
        return [c for c in (r.capability for r in regs) if isinstance(c, base)]

    def get(self, base: type[C], name: str) -> C | None:
        """The capability of ``base``'s kind called ``name``, or None."""
        reg = self._by_kind[base.kind].get(name)
        if reg is None:
            return None
        capability = reg.capability
        return capability if isinstance(capability, base) else None

    def codes(self) -> list[str]:
        """Every validator's code, in registration order (nothing is imported)."""
        return [r.code for r in self._by_kind["validator"].values()]

    def plugin_of(self, capability: Capability) -> str:
        """The name of the plugin that registered ``capability`` ("" if none did)."""
        reg = self._by_kind[capability.kind].get(capability.name)
        return reg.plugin if reg is not None and reg._capability is capability else ""

    def by_plugin(self, plugin: str) -> dict[str, list[str]]:
        """What ``plugin`` registered: kind → names (only kinds it used; nothing is
        imported)."""
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
