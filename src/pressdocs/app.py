"""The application object: configuration, plugins and store, built lazily, for one run.

Importers use it as the front door::

    from pressdocs import Pressdocs

    pd = Pressdocs(store="./pressdocs-data")
    pd.config.city                     # "芜湖市"
    pd.plugins.registry.of(Parser)     # every parser, built-in or third-party

Nothing is built until asked for, so creating one is cheap; each run (each CLI call,
each test) makes its own.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs.config import Config, check_config, load_config
from pressdocs.plugins import Plugins, load_plugins

if TYPE_CHECKING:
    from pressdocs.store import Store

__all__ = ["DEFAULT_STORE", "Pressdocs", "resolve_lang"]

DEFAULT_STORE = "pressdocs-data"


def resolve_lang(explicit: str | None = None, config: Config | None = None) -> str:
    """The output language: explicit, else ``PRESSDOCS_LANG``, else the config, else "zh"."""
    for candidate in (explicit, os.environ.get("PRESSDOCS_LANG"),
                      config.lang if config else None):
        if candidate:
            return "en" if candidate.lower().startswith("en") else "zh"
    return "zh"


class Pressdocs:
    """One run of pressdocs: its configuration, plugins and store, each built on first use.

    ``config`` may be a :class:`Config` or a path to a TOML file (default: found as
    :func:`pressdocs.config.find_config_file` says); ``store`` a directory (default:
    ``PRESSDOCS_HOME``, the config's ``store``, then ``./pressdocs-data``).
    """

    def __init__(self, *, config: Config | str | Path | None = None,
                 store: str | Path | None = None, lang: str | None = None,
                 strict: bool = False, plugins: Plugins | None = None):
        self._config_arg = config
        self._store_arg = store
        self._lang_arg = lang
        self.strict = strict
        if plugins is not None:
            self.__dict__["plugins"] = plugins

    @cached_property
    def config(self) -> Config:
        """The configuration, after every plugin's ``prepare_config``, checked against the
        loaded plugins (:func:`pressdocs.config.check_config`)."""
        arg = self._config_arg
        config = arg if isinstance(arg, Config) else load_config(arg)
        self.plugins.hook.prepare_config(config=config)
        check_config(config, self.plugins)
        return config

    @cached_property
    def plugins(self) -> Plugins:
        """The plugin manager with built-ins and installed plugins."""
        return load_plugins(strict=self.strict)

    @cached_property
    def lang(self) -> str:
        return resolve_lang(self._lang_arg, self.config)

    @property
    def store_path(self) -> Path:
        """Where the store lives (not created until the store is opened)."""
        for candidate in (self._store_arg, os.environ.get("PRESSDOCS_HOME"), self.config.store):
            if candidate:
                return Path(candidate)
        return Path(DEFAULT_STORE)

    @cached_property
    def store(self) -> Store:
        """The office's ledger, opened (and created or migrated) on first use."""
        from pressdocs.store import open_store

        return open_store(self.store_path)

    def existing_store(self) -> Store | None:
        """The store if one already exists at :attr:`store_path`, else ``None`` (nothing
        is created: checking files must not leave an empty store behind)."""
        from pressdocs.store.sqlite import DATABASE_NAME

        if "store" in self.__dict__ or (self.store_path / DATABASE_NAME).exists():
            return self.store
        return None

    def close(self) -> None:
        """Close the store if it was opened."""
        store = self.__dict__.pop("store", None)
        if store is not None:
            store.close()
