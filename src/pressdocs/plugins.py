"""Building the plugin manager: built-ins, third-party plugins, and what each registered.

Nothing is built at import time: call :func:`load_plugins` (the CLI does, once per run;
tests build a fresh one per test).  Built-in behaviour ships as ordinary plugin modules
(:data:`BUILTIN_PLUGINS`) registered through the same path as third-party plugins, which
come from the entry-point group ``pressdocs``::

    # a plugin's pyproject.toml
    [project.entry-points.pressdocs]
    myplugin = "pressdocs_myplugin"

- ``PRESSDOCS_LOAD_PLUGINS=a,b`` loads only those third-party plugins (empty: none).
- A hook implementation whose name matches no hook (a misspelt hook) fails loudly
  with :class:`pressdocs.errors.PluginError`.
- A third-party plugin that fails to import is reported (``status="failed"``), not
  fatal, unless ``strict``.
- A built-in module declares its optional needs at module level — ``REQUIRES`` (module
  names), ``REQUIRES_TOOLS`` (executables, any one suffices) and ``INSTALL_HINT`` — and
  is listed as skipped, with the reason and the hint, when they are missing.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from pressdocs import hookspecs
from pressdocs.capabilities import CAPABILITY_KINDS
from pressdocs.errors import PluginError
from pressdocs.registry import Registry

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "Plugins",
    "load_plugins",
]

ENTRY_POINT_GROUP = "pressdocs"

#: Built-in plugin modules, registered in this order.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "pressdocs.builtin.parse_docx",
    "pressdocs.builtin.parse_xlsx",
    "pressdocs.builtin.parse_pdf",
    "pressdocs.builtin.parse_text",
    "pressdocs.builtin.parse_legacy",
    "pressdocs.builtin.classify",
    "pressdocs.builtin.rules",
    "pressdocs.builtin.source_imap",
    "pressdocs.builtin.source_files",
)


@dataclass
class PluginInfo:
    """What ``pressdocs plugins`` shows about one plugin."""

    name: str
    version: str
    builtin: bool
    status: str  # "loaded", "skipped", "failed"
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""
    install_hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "builtin": self.builtin,
            "status": self.status,
            "hooks": self.hooks,
            "registered": self.registered,
            "reason": self.reason,
            "install_hint": self.install_hint,
        }


class Plugins:
    """A built plugin manager with its registry of capabilities and load report."""

    def __init__(self, pm: pluggy.PluginManager, registry: Registry, infos: list[PluginInfo]):
        self.pm = pm
        self.registry = registry
        self.infos = infos

    @property
    def hook(self) -> Any:
        """The hook relay: ``plugins.hook.prepare_submission(submission=…, config=…)``."""
        return self.pm.hook

    def info(self, name: str) -> PluginInfo | None:
        return next((i for i in self.infos if i.name == name), None)


def load_plugins(
    *,
    builtins: Iterable[str] | None = None,
    entry_points: bool = True,
    allow: Collection[str] | None = None,
    strict: bool = False,
    extra: Iterable[tuple[str, object]] = (),
) -> Plugins:
    """Build a plugin manager with built-ins, entry-point plugins and ``extra`` ones.

    ``builtins`` defaults to :data:`BUILTIN_PLUGINS`; ``allow`` (default: the
    ``PRESSDOCS_LOAD_PLUGINS`` variable, comma-separated) limits third-party plugins;
    ``extra`` are ``(name, plugin object)`` pairs registered after the others (tests
    use it for throwaway plugins).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    if allow is None:
        env = os.environ.get("PRESSDOCS_LOAD_PLUGINS")
        if env is not None:
            allow = {p.strip() for p in env.split(",") if p.strip()}

    from pressdocs._version import __version__

    for modname in BUILTIN_PLUGINS if builtins is None else builtins:
        module = importlib.import_module(modname)
        missing = _missing_requirements(module)
        info = PluginInfo(modname, __version__, builtin=True, status="loaded")
        if missing:
            info.status = "skipped"
            info.reason = missing
            info.install_hint = getattr(module, "INSTALL_HINT", "")
        else:
            _register(pm, module, modname)
        infos.append(info)

    if entry_points:
        from importlib.metadata import entry_points as found_entry_points  # ~30 ms: only here

        for ep in found_entry_points(group=ENTRY_POINT_GROUP):
            version = ep.dist.version if ep.dist else ""
            info = PluginInfo(ep.name, version, builtin=False, status="loaded")
            infos.append(info)
            if allow is not None and ep.name not in allow:
                info.status = "skipped"
                info.reason = "未列入 PRESSDOCS_LOAD_PLUGINS"
                continue
            if pm.has_plugin(ep.name):
                continue
            try:
                obj = ep.load()
            except Exception as exc:
                if strict:
                    raise PluginError(f"插件 {ep.name} 加载失败：{exc}",
                                      f"plugin {ep.name} failed to load: {exc}") from exc
                info.status = "failed"
                info.reason = f"加载失败：{type(exc).__name__}: {exc}"
                continue
            _register(pm, obj, ep.name)

    for name, obj in extra:
        infos.append(PluginInfo(name, "", builtin=False, status="loaded"))
        _register(pm, obj, name)

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise _misspelt(exc) from None

    registry = Registry()
    for kind in CAPABILITY_KINDS:
        caller = getattr(pm.hook, f"register_{kind}s")
        for impl in reversed(caller.get_hookimpls()):  # registration order
            kwargs = {arg: registry.register_for(impl.plugin_name, kind) for arg in impl.argnames}
            try:
                impl.function(**kwargs)
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(
                    f"插件 {impl.plugin_name} 在 register_{kind}s 中出错：{exc}",
                    f"plugin {impl.plugin_name} failed in register_{kind}s: {exc}",
                ) from exc

    for info in infos:
        plugin = pm.get_plugin(info.name)
        if plugin is not None:
            info.hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])
            info.registered = registry.by_plugin(info.name)
    return Plugins(pm, registry, infos)


def _register(pm: pluggy.PluginManager, obj: object, name: str) -> None:
    try:
        pm.register(obj, name=name)
    except pluggy.PluginValidationError as exc:
        raise _misspelt(exc) from None
    except ValueError as exc:  # the same name or object registered twice
        raise PluginError(f"插件 {name} 重复注册：{exc}",
                          f"plugin {name} registered twice: {exc}") from None


def _misspelt(exc: pluggy.PluginValidationError) -> PluginError:
    plugin = getattr(exc, "plugin", None)
    name = getattr(plugin, "__name__", None) or repr(plugin)
    return PluginError(
        f"插件 {name} 的钩子实现无效：{exc}。请对照 docs/hooks.md 检查钩子名称和参数的拼写",
        f"plugin {name} has an invalid hook implementation: {exc}. "
        "Check the hook's name and arguments against docs/hooks.md",
    )


def _missing_requirements(module: ModuleType) -> str:
    """Why ``module`` cannot run here (Chinese), or "" when everything it needs is present."""
    missing_modules = [m for m in getattr(module, "REQUIRES", ())
                       if importlib.util.find_spec(m) is None]
    if missing_modules:
        return f"缺少 Python 包：{'、'.join(missing_modules)}"
    tools = getattr(module, "REQUIRES_TOOLS", ())
    if tools and not any(shutil.which(t) for t in tools):
        return f"未找到外部程序：{' 或 '.join(tools)}"
    return ""
