"""The registry of capabilities: what each plugin added, by kind and name.

Plugins add capabilities through ``register_*`` hooks; the plugin manager hands each
plugin a ``register`` callback bound to that plugin's name, so the registry always knows
who registered what.  A second capability with the same kind and name is refused with a
:class:`pressdocs.errors.PluginError` naming both plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from pressdocs.capabilities import CAPABILITY_KINDS, Capability
from pressdocs.errors import PluginError

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
    """Capabilities by kind, in registration order, each with the plugin that added it."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, Registration]] = {k: {} for k in CAPABILITY_KINDS}

    def add(self, capability: Capability, plugin: str, expected_kind: str) -> None:
        """Record ``capability`` for ``plugin``; refuse a wrong type or a duplicate name."""
        base = CAPABILITY_KINDS[expected_kind]
        if not isinstance(capability, base):
            raise PluginError(
                f"插件 {plugin} 在 register_{expected_kind}s 中登记了 {capability!r}，"
                f"它不是 {base.__name__} 的实例",
                f"plugin {plugin} registered {capability!r} through register_{expected_kind}s, "
                f"which is not a {base.__name__}",
            )
        name = capability.name
        if not name:
            raise PluginError(
                f"插件 {plugin} 登记的 {type(capability).__name__} 没有名称（name）",
                f"plugin {plugin} registered a {type(capability).__name__} without a name",
            )
        existing = self._by_kind[expected_kind].get(name)
        if existing is not None:
            raise PluginError(
                f"插件 {plugin} 登记的 {base.__name__}「{name}」与插件 {existing.plugin} 的重名；"
                "请改名，或用 PRESSDOCS_LOAD_PLUGINS 只加载其中一个",
                f"plugin {plugin} registered {base.__name__} {name!r}, already registered by "
                f"plugin {existing.plugin}; rename it, or load only one of them with "
                "PRESSDOCS_LOAD_PLUGINS",
            )
        self._by_kind[expected_kind][name] = Registration(capability, plugin)

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
