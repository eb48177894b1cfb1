"""Building the plugin manager: built-ins, third-party plugins, and what each registered.

Nothing is built at import time: call :func:`load_plugins` (the CLI does, once per run;
tests build a fresh one per test).  Built-in behaviour ships as ordinary plugin modules
(:data:`BUILTIN_PLUGINS`) registered through the same path as third-party plugins, which
come from the entry-point group ``pressdocs``::

    # a plugin's pyproject.toml
    [project.entry-points.pressdocs]
    myplugin = "pressdocs_myplugin"

- Built-ins register their capabilities first, then third-party plugins in the order
  they were loaded (entry points, then ``extra``), so that a name taken twice is
  blamed on the plugin that came second.
- ``plugins_dir`` (``pressdocs --plugins-dir DIR``) loads every ``*.py`` file of a
  folder as a third-party plugin named after the file (``weekend.py``: ``weekend``),
  after the entry points and before ``extra``: one-off plugins without packaging, as
  Datasette's ``--plugins-dir`` does.  Each is imported under a module name of its own
  (:func:`plugin_module_name`), never shadowing an installed module.
- ``PRESSDOCS_LOAD_PLUGINS=a,b`` loads only those third-party plugins (empty: none).
- A third-party plugin that fails to import, implements a hook that does not exist or
  with an argument the hook does not have (a misspelling), raises in a ``register_*``
  hook or registers something the registry refuses is left out and reported
  (``status="failed"`` with the reason, a :class:`pressdocs.Message`): the rest of
  pressdocs keeps working.  With ``strict`` it is a :class:`pressdocs.errors.PluginError`.
- A built-in plugin with such a mistake is always a :class:`PluginError`: it is a bug in
  pressdocs itself.
- A built-in plugin is declared in :mod:`pressdocs._manifest`: what it registers
  and its optional needs (modules, executables, install hint).  It is listed as skipped,
  with the reason and the hint, when a need is missing; otherwise its capabilities are
  *declared* in the registry, and its module imported only when one of them is used
  (:mod:`pressdocs._registry`), so that listing plugins or checking the configuration
  imports none of them.  A module named in ``builtins`` without a manifest entry (a
  test's) is imported at once, and may declare its needs at module level —
  ``REQUIRES``, ``REQUIRES_TOOLS`` and ``INSTALL_HINT``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import sys
import traceback
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from pressdocs import hookspecs
from pressdocs._manifest import MANIFEST, BuiltinPlugin
from pressdocs._messages import did_you_mean
from pressdocs._registry import Registry
from pressdocs.capabilities import CAPABILITY_KINDS
from pressdocs.errors import PluginError
from pressdocs.models import Message

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "Plugins",
    "load_plugins",
    "plugin_module_name",
]

ENTRY_POINT_GROUP = "pressdocs"

#: Built-in plugin modules, registered in this order (each described in the manifest).
BUILTIN_PLUGINS: tuple[str, ...] = tuple(MANIFEST)


@dataclass
class PluginInfo:
    """What ``pressdocs plugins`` shows about one plugin.

    ``status`` is ``"loaded"``, ``"skipped"`` (a built-in missing an optional dependency,
    or a plugin not listed in ``PRESSDOCS_LOAD_PLUGINS``) or ``"failed"``; ``reason`` says
    why it is not loaded (``None`` when it is), in both languages
    (``info.reason.text(lang)``); :meth:`notes` is the reason and the install hint as one
    line.
    """

    name: str
    version: str
    builtin: bool
    status: str  # "loaded", "skipped", "failed"
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    reason: Message | None = None
    install_hint: Message | str = ""  # a command (pip install …) is the same in any language

    def notes(self, lang: str = "zh") -> str:
        """The reason in ``lang`` and the install hint, as one line ("" when neither)."""
        reason = self.reason.text(lang) if self.reason is not None else ""
        hint = self.install_hint
        return " ".join(x for x in (reason, hint.text(lang) if isinstance(hint, Message) else hint)
                        if x)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``pressdocs plugins --json``; ``reason`` is a message dict or None."""
        return {
            "name": self.name,
            "version": self.version,
            "builtin": self.builtin,
            "status": self.status,
            "hooks": self.hooks,
            "registered": self.registered,
            "reason": self.reason.to_dict() if self.reason is not None else None,
            "install_hint": self.install_hint.to_dict()
            if isinstance(self.install_hint, Message) else self.install_hint,
        }


class Plugins:
    """A built plugin manager with its registry of capabilities and load report."""

    def __init__(self, pm: pluggy.PluginManager, registry: Registry, infos: list[PluginInfo]):
        self.pm = pm
        self.registry = registry
        self.infos = infos
        #: The arguments :func:`load_plugins` was called with, for another process to
        #: load the same plugins (``batch --workers``); ``None`` when built otherwise.
        self.made_with: dict[str, Any] | None = None

    @property
    def hook(self) -> Any:
        """The hook relay: ``plugins.hook.prepare_submission(submission=…, config=…)``."""
        return self.pm.hook

    def info(self, name: str) -> PluginInfo | None:
        """What was loaded (or not) under ``name``, or None if nothing was."""
        return next((i for i in self.infos if i.name == name), None)


def load_plugins(
    *,
    builtins: Iterable[str] | None = None,
    entry_points: bool = True,
    allow: Collection[str] | None = None,
    strict: bool = False,
    extra: Iterable[tuple[str, object]] = (),
    plugins_dir: str | os.PathLike[str] | None = None,
) -> Plugins:
    """Build a plugin manager with built-ins, entry-point plugins and ``extra`` ones.

    ``builtins`` defaults to :data:`BUILTIN_PLUGINS`; ``entry_points=False`` loads no
    installed plugin (a library or a test that wants only what it names); ``allow``
    (default: the ``PRESSDOCS_LOAD_PLUGINS`` variable, comma-separated) limits
    entry-point plugins; ``extra`` are ``(name, plugin object)`` pairs loaded after the
    others, as third-party plugins (tests use it for throwaway plugins).  ``strict``
    makes a third-party plugin that fails (see the module) a :class:`PluginError`
    instead of a ``"failed"`` entry in :attr:`Plugins.infos`.  ``plugins_dir`` is a
    folder whose ``*.py`` files are loaded as third-party plugins, each named after its
    file (a folder that does not exist is a :class:`PluginError`); ``allow`` limits them
    too.
    """
    folder = _plugins_folder(plugins_dir)
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    if allow is None:
        env = os.environ.get("PRESSDOCS_LOAD_PLUGINS")
        if env is not None:
            allow = {p.strip() for p in env.split(",") if p.strip()}
    loading = _Loading(pm, strict)

    from pressdocs._version import __version__

    for modname in BUILTIN_PLUGINS if builtins is None else builtins:
        entry = MANIFEST.get(modname)
        module = importlib.import_module(modname) if entry is None else None
        info = loading.add(PluginInfo(modname, __version__, builtin=True, status="loaded"))
        if entry is None:
            requires = getattr(module, "REQUIRES", ())
            tools = getattr(module, "REQUIRES_TOOLS", ())
            hint = getattr(module, "INSTALL_HINT", "")
        else:
            requires, tools, hint = entry.requires, entry.requires_tools, entry.install_hint
        missing = _missing_requirements(requires, tools)
        if missing is not None:
            info.status = "skipped"
            info.reason = missing
            info.install_hint = hint() if callable(hint) else hint
        elif entry is not None:
            loading.declare(info, entry)
        else:
            loading.register(info, module)

    if entry_points:
        from importlib.metadata import entry_points as found_entry_points  # ~30 ms: only here

        for ep in found_entry_points(group=ENTRY_POINT_GROUP):
            version = ep.dist.version if ep.dist else ""
            info = loading.add(PluginInfo(ep.name, version, builtin=False, status="loaded"))
            if allow is not None and ep.name not in allow:
                info.status = "skipped"
                info.reason = Message.of("plugin.not_allowed")
                continue
            if pm.has_plugin(ep.name):
                loading.fail(info, Message.of("plugin.same_name", plugin=ep.name))
                continue
            try:
                obj = ep.load()
            except Exception as exc:
                loading.fail(info, Message.of("plugin.import_failed", plugin=ep.name,
                                              error=f"{type(exc).__name__}: {exc}"), exc)
                continue
            loading.register(info, obj)

    for path in sorted(folder.glob("*.py")) if folder is not None else ():
        info = loading.add(PluginInfo(path.stem, "", builtin=False, status="loaded"))
        if allow is not None and path.stem not in allow:
            info.status = "skipped"
            info.reason = Message.of("plugin.not_allowed")
            continue
        try:
            module = _import_file(path)
        except Exception as exc:
            loading.fail(info, _file_failed(path, exc), exc)
            continue
        version = getattr(module, "__version__", "")
        info.version = version if isinstance(version, str) else ""
        loading.register(info, module)

    for name, obj in extra:
        loading.register(loading.add(PluginInfo(name, "", builtin=False, status="loaded")), obj)

    registry = loading.register_capabilities()
    for info in loading.infos:
        if info.status != "loaded":
            continue
        if info.name in loading.declared:  # the same lists as its module's, once imported
            info.hooks = loading.declared[info.name].hooks
            info.registered = registry.by_plugin(info.name)
        elif (plugin := pm.get_plugin(info.name)) is not None:
            info.hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])
            info.registered = registry.by_plugin(info.name)
    plugins = Plugins(pm, registry, loading.infos)
    plugins.made_with = {"builtins": None if builtins is None else list(builtins),
                         "entry_points": entry_points, "allow": allow, "strict": strict,
                         "extra": list(extra),
                         "plugins_dir": str(folder) if folder is not None else None}
    return plugins


def plugin_module_name(path: str | os.PathLike[str]) -> str:
    """The module name a plugins-dir file is imported under: ``weekend.py`` in
    ``/srv/plugins`` is ``pressdocs_plugins_dir.weekend``, kept in :data:`sys.modules`
    (its classes pickle, its dataclasses work) without taking the name of an installed
    module (a ``csv.py`` there does not replace :mod:`csv`)."""
    return f"pressdocs_plugins_dir.{Path(path).stem}"


def _plugins_folder(plugins_dir: str | os.PathLike[str] | None) -> Path | None:
    """The plugins folder, absolute (a worker process may start elsewhere), or None."""
    if plugins_dir is None:
        return None
    folder = Path(plugins_dir).expanduser()
    if not folder.is_dir():
        raise PluginError.of("plugin.dir_missing", folder=str(folder))
    return folder.resolve()


def _import_file(path: Path) -> ModuleType:
    """Import the plugin file ``path`` as :func:`plugin_module_name` says (again if it
    was imported before: the file may have changed); nothing is left behind when it
    fails."""
    name = plugin_module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a *.py file always has one
        raise ImportError(path.name)
    package = sys.modules.get("pressdocs_plugins_dir")
    if package is None:  # a namespace the modules hang from, so that pickle finds them
        package = sys.modules["pressdocs_plugins_dir"] = ModuleType("pressdocs_plugins_dir")
        package.__path__ = []
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    setattr(package, path.stem, module)
    return module


def _file_failed(path: Path, exc: BaseException) -> Message:
    """Why plugin file ``path`` could not be imported: the error, and where in the file
    (the line of a syntax error, or the last line of the file the error passed through)."""
    line = exc.lineno if isinstance(exc, SyntaxError) and exc.filename == str(path) else None
    if line is None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        line = frames[-1].lineno if frames else None
    where: str | Message = str(path) if line is None else Message.of(
        "plugin.file_line", file=str(path), line=line)
    error = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    return Message.of("plugin.file_failed", plugin=path.stem, file=where,
                      error=f"{type(exc).__name__}: {error}")


class _Loading:
    """One run of :func:`load_plugins`: the manager, what was tried, and in which order."""

    def __init__(self, pm: pluggy.PluginManager, strict: bool) -> None:
        self.pm = pm
        self.strict = strict
        self.infos: list[PluginInfo] = []
        # the plugins registered with the manager or declared, in order
        self.order: list[PluginInfo] = []
        self.declared: dict[str, BuiltinPlugin] = {}  # built-ins whose import waits for use

    def add(self, info: PluginInfo) -> PluginInfo:
        self.infos.append(info)
        return info

    def declare(self, info: PluginInfo, entry: BuiltinPlugin) -> None:
        """Declare built-in ``info.name``'s capabilities from its manifest ``entry``; its
        module is imported when one of them is first used."""
        if self.pm.has_plugin(info.name) or info.name in self.declared:
            self.fail(info, Message.of("plugin.same_name", plugin=info.name))
            return
        self.declared[info.name] = entry
        self.order.append(info)

    def register(self, info: PluginInfo, obj: object) -> None:
        """Register ``obj`` as plugin ``info.name`` unless its hooks are mistaken."""
        if self.pm.has_plugin(info.name) or info.name in self.declared:
            self.fail(info, Message.of("plugin.same_name", plugin=info.name))
            return
        try:
            mistake = _hook_mistake(self.pm, info.name, obj)
        except Exception as exc:  # an object pluggy cannot even inspect
            self.fail(info, _invalid(info.name, exc), exc)
            return
        if mistake is not None:
            self.fail(info, mistake)
            return
        try:
            self.pm.register(obj, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            if self.pm.get_plugin(info.name) is obj:  # pluggy leaves a half-registered plugin
                self.pm.unregister(name=info.name)
            self.fail(info, _invalid(info.name, exc), exc)
            return
        self.order.append(info)

    def register_capabilities(self) -> Registry:
        """Call every plugin's ``register_*`` hooks, plugin by plugin in load order
        (built-ins first): pluggy itself would call the last registered first."""
        registry = Registry(builtin=(i.name for i in self.infos if i.builtin))
        for info in list(self.order):
            try:
                entry = self.declared.get(info.name)
                if entry is not None:
                    registry.declare(info.name, entry.registers,
                                     _Importer(self.pm, registry, info.name))
                else:
                    _register_capabilities(self.pm, info.name, registry)
            except PluginError as exc:
                registry.remove_plugin(info.name)
                if self.pm.has_plugin(info.name):
                    self.pm.unregister(name=info.name)
                self.order = [i for i in self.order if i is not info]
                self.fail(info, exc.message, exc)
        return registry

    def fail(self, info: PluginInfo, reason: Message, cause: BaseException | None = None) -> None:
        """Mark ``info`` failed for ``reason``; raise instead for a built-in or when strict."""
        if info.builtin:
            raise PluginError.of("plugin.builtin_broken", plugin=info.name,
                                 reason=reason) from cause
        if self.strict:
            raise PluginError(reason) from cause
        info.status = "failed"
        info.reason = reason


def _register_capabilities(pm: pluggy.PluginManager, name: str, registry: Registry) -> None:
    """Call plugin ``name``'s ``register_*`` hooks, kind by kind."""
    for kind in CAPABILITY_KINDS:
        hook = f"register_{kind}s"
        for impl in getattr(pm.hook, hook).get_hookimpls():
            if impl.plugin_name != name:
                continue
            kwargs = {arg: registry.register_for(name, kind) for arg in impl.argnames}
            try:
                impl.function(**kwargs)
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError.of("plugin.register_failed", plugin=name, hook=hook,
                                     error=f"{type(exc).__name__}: {exc}") from exc


class _Importer:
    """Imports a declared built-in when one of its capabilities is first used: registers
    the module with the manager and lets it register what its manifest entry declared.
    Any mistake is a :class:`PluginError` (``plugin.builtin_broken``), raised again on
    every later use."""

    def __init__(self, pm: pluggy.PluginManager, registry: Registry, name: str) -> None:
        self.pm = pm
        self.registry = registry
        self.name = name
        self.error: PluginError | None = None

    def __call__(self) -> None:
        if self.error is not None:
            raise self.error
        try:
            self._import()
        except Exception as exc:
            reason = exc.message if isinstance(exc, PluginError) else Message.of(
                "plugin.import_failed", plugin=self.name, error=f"{type(exc).__name__}: {exc}")
            self.error = PluginError.of("plugin.builtin_broken", plugin=self.name, reason=reason)
            raise self.error from exc

    def _import(self) -> None:
        module = importlib.import_module(self.name)
        mistake = _hook_mistake(self.pm, self.name, module)
        if mistake is not None:
            raise PluginError(mistake)
        self.pm.register(module, name=self.name)
        with self.registry.filling(self.name):
            _register_capabilities(self.pm, self.name, self.registry)


def _hook_mistake(pm: pluggy.PluginManager, name: str, obj: object) -> Message | None:
    """What is wrong with ``obj``'s hook implementations (a hook that does not exist, an
    argument the hook does not have), or None.  Checked before registering, so that a
    mistaken plugin leaves nothing half-registered behind."""
    known = sorted(n for n, caller in vars(pm.hook).items()
                   if not n.startswith("_") and caller.has_spec())
    for attr in dir(obj):
        opts = pm.parse_hookimpl_opts(obj, attr)
        if opts is None:
            continue
        hook = opts.get("specname") or attr
        caller = getattr(pm.hook, hook, None)
        spec = caller.spec if caller is not None else None
        if spec is None:
            if opts.get("optionalhook"):
                continue
            return Message.of("plugin.unknown_hook", plugin=name, hook=hook,
                              suggestion=did_you_mean(hook, known),
                              help=Message.of("plugin.hook_help", plugin=name))
        impl = pluggy.HookImpl(obj, name, getattr(obj, attr), opts)
        unknown = [a for a in impl.argnames if a not in spec.argnames]
        if unknown:
            return Message.of("plugin.unknown_arguments", plugin=name, hook=hook,
                              arguments=unknown, known=list(spec.argnames),
                              suggestion=did_you_mean(unknown[0], spec.argnames),
                              help=Message.of("plugin.hook_help", plugin=name))
    return None



def _invalid(name: str, exc: BaseException) -> Message:
    return Message.of("plugin.invalid", plugin=name, error=" ".join(str(exc).split()))


def _missing_requirements(requires: Sequence[str], tools: Sequence[str]) -> Message | None:
    """Why a built-in needing the modules ``requires`` and any one of the executables
    ``tools`` cannot run here, or None when everything it needs is present."""
    missing_modules = [m for m in requires if importlib.util.find_spec(m) is None]
    if missing_modules:
        return Message.of("plugin.missing_modules", modules=missing_modules)
    if tools and not any(shutil.which(t) for t in tools):
        return Message.of("plugin.missing_tools", tools=_any_of(tools))
    return None


def _any_of(names: Sequence[str]) -> str | Message:
    """``a``, ``a 或 b``, ``a 或 b 或 c``: any one of them will do."""
    result: str | Message = names[-1]
    for name in reversed(names[:-1]):
        result = Message.of("plugin.either", first=name, second=result)
    return result
