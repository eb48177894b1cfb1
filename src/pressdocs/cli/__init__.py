"""The ``pressdocs`` command line: thin over the library.

Each command parses its options, calls library code, renders the result, and turns
exceptions into exit codes:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     the command did its work (a batch completed, even if submissions have findings)
1     ``validate`` found errors in what it checked
2     the command could not run: bad usage, configuration, plugin or input problem
130   interrupted (Ctrl-C)
====  ==========================================================================

Text is Chinese by default; ``--lang en`` or ``PRESSDOCS_LANG=en`` switches to English.
JSON output (``--json``) always has English keys.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

import click

from pressdocs._version import __version__
from pressdocs.app import Pressdocs, resolve_lang
from pressdocs.cli.common import EXIT_CANNOT_RUN, fail
from pressdocs.errors import PressdocsError

__all__ = ["cli", "main"]

#: Built-in commands, imported only when run (or listed by --help): start-up stays light.
COMMANDS = {
    "batch": "pressdocs.cli.batch:batch_command",
    "config": "pressdocs.cli.info:config_group",
    "forms": "pressdocs.cli.documents:forms_command",
    "parse": "pressdocs.cli.documents:parse_command",
    "plan": "pressdocs.cli.plan:plan_group",
    "plugins": "pressdocs.cli.info:plugins_command",
    "report": "pressdocs.cli.report:report_group",
    "rules": "pressdocs.cli.rules:rules_command",
    "schema": "pressdocs.cli.info:schema_command",
    "validate": "pressdocs.cli.validate:validate_command",
}


class LazyGroup(click.Group):
    """A click group whose built-in commands are imported on first use; commands that
    plugins add through ``register_commands`` are ordinary ones."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attr = COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="pressdocs",
                      message="%(prog)s %(version)s")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="输出语言 / output language (default: zh, or PRESSDOCS_LANG).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              envvar="PRESSDOCS_CONFIG", help="配置文件 pressdocs.toml / configuration file.")
@click.option("--store", type=click.Path(file_okay=False), default=None, envvar="PRESSDOCS_HOME",
              help="数据存储目录 / store directory (default ./pressdocs-data).")
@click.option("--strict", is_flag=True, help="插件加载失败即退出 / fail when a plugin fails to load.")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, config_path: str | None, store: str | None,
        strict: bool) -> None:
    """pressdocs：新闻发布会材料的收取、读取、核查、通知与报表。

    pressdocs reads the press office's mailbox, checks registrations, materials and
    statistics against the notice, notifies units and writes reports.
    """
    app = ctx.obj if isinstance(ctx.obj, Pressdocs) else None
    plugins = app.plugins if app is not None else None
    ctx.obj = Pressdocs(config=config_path, store=store, lang=lang, strict=strict,
                        plugins=plugins)
    ctx.call_on_close(ctx.obj.close)



def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pressdocs`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    # pypdf reports damaged files through logging; pressdocs reports them itself, in Chinese.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    # the library's own warnings (a plugin's event listener that failed) go to stderr
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("注意：%(message)s"))
    logging.getLogger("pressdocs").addHandler(handler)
    app = Pressdocs(strict="--strict" in args, lang=_peek_lang(args))
    try:
        app.plugins.hook.register_commands(cli=cli)
    except PressdocsError as exc:
        fail(exc, resolve_lang(_peek_lang(args)), EXIT_CANNOT_RUN)
    try:
        cli.main(args=args, prog_name="pressdocs", obj=app, standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)


def _peek_lang(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None

