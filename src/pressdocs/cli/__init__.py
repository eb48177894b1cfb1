"""The ``pressdocs`` command line: a thin layer over :class:`pressdocs.Pressdocs`.

Each command parses its options, calls one method of the library, renders the typed
result, and turns exceptions into exit codes:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     the command did its work (a batch completed, even if submissions have findings)
1     ``validate`` found errors in what it checked
2     the command could not run: bad usage, configuration, plugin or input problem
3     cut short by something outside pressdocs (mail server connection lost or timed
      out, disk full): what was committed is kept, run the command again
70    an internal error (a bug in pressdocs or a plugin): ``--debug`` shows where
130   interrupted (Ctrl-C, SIGINT)
143   stopped by SIGTERM (batch, reprocess and notify stop cleanly)
====  ==========================================================================

Every failure is one line on stderr (``错误：…``); the Python traceback only with
``--debug`` (or ``PRESSDOCS_DEBUG=1``).

Text is Chinese by default — click's own usage errors too ("错误：缺少参数 SOURCE");
``--lang en`` (before or after the command) or ``PRESSDOCS_LANG=en`` switches to
English.  JSON output (``--json``) always has English keys; each has a JSON Schema
(``pressdocs schema batch``).
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

import click

from pressdocs._redact import RedactingFilter
from pressdocs._version import __version__
from pressdocs.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_RETRY,
    EXIT_TERMINATED,
    OneOf,
    Settings,
    Terminated,
    debug_wanted,
    fail,
    settings_of,
    tr,
)
from pressdocs.errors import PluginError, PressdocsError

__all__ = ["cli", "main"]

#: Built-in commands, imported only when run (or listed by --help): start-up stays light.
COMMANDS = {
    "audit": "pressdocs.cli.review:audit_command",
    "batch": "pressdocs.cli.batch:batch_command",
    "config": "pressdocs.cli.info:config_group",
    "export": "pressdocs.cli.export:export_command",
    "forms": "pressdocs.cli.documents:forms_command",
    "notices": "pressdocs.cli.notify:notices_command",
    "notify": "pressdocs.cli.notify:notify_command",
    "parse": "pressdocs.cli.documents:parse_command",
    "plan": "pressdocs.cli.plan:plan_group",
    "plugins": "pressdocs.cli.info:plugins_command",
    "report": "pressdocs.cli.report:report_group",
    "remind": "pressdocs.cli.notify:remind_command",
    "reprocess": "pressdocs.cli.batch:reprocess_command",
    "review": "pressdocs.cli.review:review_group",
    "rules": "pressdocs.cli.rules:rules_command",
    "schema": "pressdocs.cli.info:schema_command",
    "serve": "pressdocs.cli.serve:serve_command",
    "submissions": "pressdocs.cli.submissions:submissions_group",
    "units": "pressdocs.cli.units:units_group",
    "users": "pressdocs.cli.users:users_group",
    "validate": "pressdocs.cli.validate:validate_command",
}


class LazyGroup(click.Group):
    """A click group whose built-in commands are imported on first use; commands that
    plugins add through ``register_commands`` are ordinary ones, and may not take a
    built-in command's name."""

    #: The plugin whose ``register_commands`` is running (see :func:`_plugin_commands`).
    registering: str = ""
    #: The commands it tried to add under a name already taken, refused.
    refused: list[PluginError]
    #: The names of the commands it added.
    added: list[str]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attr = COMMANDS[cmd_name].partition(":")
            click.Group.add_command(self, getattr(importlib.import_module(module), attr),
                                    cmd_name)
        return self.commands.get(cmd_name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name or ""
        if self.registering and (name in COMMANDS or name in self.commands):
            # refused, and the plugin's other commands still added: told after its hook
            self.refused.append(PluginError.of("cli.command_clash", plugin=self.registering,
                                               command=name))
            return
        if self.registering:
            self.added.append(name)
        super().add_command(cmd, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="pressdocs",
                      message="%(prog)s %(version)s")
@click.option("--lang", type=OneOf(["zh", "en"]), default=None,
              help="输出语言 / output language (default: zh, or PRESSDOCS_LANG).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              envvar="PRESSDOCS_CONFIG", help="配置文件 pressdocs.toml / configuration file.")
@click.option("--store", type=click.Path(), default=None, envvar="PRESSDOCS_HOME",
              help="数据存储目录 / store directory (default ./pressdocs-data).")
@click.option("--strict", is_flag=True, help="插件加载失败即退出 / fail when a plugin fails to load.")
@click.option("--debug", is_flag=True,
              help="出错时显示 Python 调用栈（或 PRESSDOCS_DEBUG=1）/ show the traceback of an "
                   "error (or PRESSDOCS_DEBUG=1).")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, config_path: str | None, store: str | None,
        strict: bool, debug: bool) -> None:
    """pressdocs：新闻发布会材料的收取、读取、核查、通知与报表。

    pressdocs reads the press office's mailbox, checks registrations, materials and
    statistics against the notice, notifies units and writes reports.
    """
    settings = settings_of(ctx)
    settings.lang = lang or settings.lang
    settings.config = config_path or settings.config
    settings.store = store or settings.store
    settings.strict = strict or settings.strict
    settings.debug = debug or settings.debug


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pressdocs`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not _wants_plugins(args):  # --version: nothing but the version, nothing imported
        sys.exit(_run(args, Settings(lang=_peek(args, "--lang"))))
    # pypdf reports damaged files through logging; pressdocs reports them itself, in Chinese.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    settings = Settings(lang=_peek(args, "--lang"), strict="--strict" in args,
                        debug=debug_wanted(args))
    # the library's own warnings (a plugin's event listener that failed) go to stderr
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(tr(settings.output_lang(), "cli.note",
                                              text="%(message)s")))
    handler.addFilter(RedactingFilter())  # a secret never reaches the terminal or a log
    logging.getLogger("pressdocs").addHandler(handler)
    if _wants_plugins(args):
        try:
            from pressdocs._plugins import load_plugins

            settings.plugins = load_plugins(strict=settings.strict)
            _plugin_commands(settings)
        except PressdocsError as exc:
            fail(exc, settings.output_lang(), EXIT_CANNOT_RUN)
    sys.exit(_run(args, settings))


def _run(args: list[str], settings: Settings) -> int:
    """Run the command line; its exit code."""
    try:
        code = cli.main(args=args, prog_name="pressdocs", obj=settings, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "")
        code = 0
    except click.ClickException as exc:
        _usage_error(exc, settings.output_lang())
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt) as exc:
        # click turns Ctrl-C into Abort (a prompt left with Ctrl-D is one too); either way
        # the command has unwound by now: transactions rolled back, children ended
        ctrl_c = isinstance(exc, KeyboardInterrupt) or \
            isinstance(exc.__cause__, KeyboardInterrupt)
        click.echo(tr(settings.output_lang(), "cli.interrupted" if ctrl_c else "cli.aborted"),
                   err=True)
        code = EXIT_INTERRUPTED
    except Terminated:
        click.echo(tr(settings.output_lang(), "cli.terminated"), err=True)
        code = EXIT_TERMINATED
    except OSError as exc:  # the system refused (disk full, no permission) where nobody said
        code = _last_resort(exc, settings, "cli.system_error", EXIT_RETRY,
                            error=_os_error(exc, settings.output_lang()))
    except Exception as exc:  # a bug: one line, the traceback with --debug
        code = _last_resort(exc, settings, "cli.internal_error", EXIT_INTERNAL,
                            error=f"{type(exc).__name__}: {exc}")
    return code if isinstance(code, int) else 0


def _last_resort(exc: BaseException, settings: Settings, key: str, code: int,
                 **params: str) -> int:
    """Say in one line what stopped the command (the traceback first with ``--debug``)."""
    if settings.debug:
        traceback.print_exception(exc, file=sys.stderr)
    click.secho(tr(settings.output_lang(), "cli.error",
                   text=tr(settings.output_lang(), key, **params)), fg="red", err=True)
    return code


def _os_error(exc: OSError, lang: str) -> str:
    """An operating-system error as people read it: what, and on which file."""
    if exc.errno == errno.ENOSPC:
        what = tr(lang, "cli.disk_full")
    else:
        what = exc.strerror or str(exc) or type(exc).__name__
    return f"{what}（{exc.filename}）" if exc.filename and lang == "zh" else \
        f"{what} ({exc.filename})" if exc.filename else what


def _wants_plugins(args: list[str]) -> bool:
    """Whether the command line needs plugins loaded (not for --version, not for help of
    the program itself)."""
    return not any(a in ("--version", "-V") for a in args)


def _plugin_commands(settings: Settings) -> None:
    """Let each plugin add its commands; one that takes a built-in command's name is
    refused, and a plugin whose hook raises adds none (each with a note; with
    ``--strict`` it stops the run)."""
    assert settings.plugins is not None
    group = cli
    assert isinstance(group, LazyGroup)
    for impl in settings.plugins.pm.hook.register_commands.get_hookimpls():
        group.registering, group.refused, group.added = impl.plugin_name, [], []
        try:
            impl.function(cli=group)
        except Exception as exc:  # a plugin's mistake leaves its commands out, not the run
            for name in group.added:
                group.commands.pop(name, None)
            group.refused = [PluginError.of(
                "plugin.register_failed", plugin=impl.plugin_name, hook="register_commands",
                error=f"{type(exc).__name__}: {exc}")]
        finally:
            group.registering = ""
        for refusal in group.refused:
            if settings.strict:
                raise refusal
            click.secho(tr(settings.output_lang(), "cli.note", text=refusal.render(
                settings.output_lang())), fg="yellow", err=True)


def _usage_error(exc: click.ClickException, lang: str) -> None:
    """Click's own errors, in the output language, with the usage line and a hint."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        usage = ctx.get_usage()
        if lang == "zh":
            usage = usage.replace("Usage: ", "用法：", 1).replace("[OPTIONS]", "[选项]")
        click.echo(usage, err=True)
        click.echo(tr(lang, "cli.usage.help", command=ctx.command_path), err=True)
    click.secho(tr(lang, "cli.error", text=_click_text(exc, lang)), fg="red", err=True)


def _click_text(exc: click.ClickException, lang: str) -> str:
    """What went wrong, from the catalogues for the errors people meet; click's own text
    (in English) for the rest."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        name = (exc.param.opts[0] if exc.param_type == "option" and exc.param.opts
                else (exc.param.human_readable_name or "").upper())
        return tr(lang, "cli.usage.missing", name=name)
    if isinstance(exc, click.NoSuchOption):
        close = ", ".join(sorted(exc.possibilities or []))
        return tr(lang, "cli.usage.no_option", name=exc.option_name, close=close or "-")
    if isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else ""
        return tr(lang, "cli.usage.bad_value", name=name, reason=exc.message)
    if isinstance(exc, click.UsageError) and exc.message.startswith("No such command"):
        name = exc.message.split("'")[1] if "'" in exc.message else exc.message
        return tr(lang, "cli.usage.no_command", name=name)
    return exc.format_message()


def _peek(args: list[str], option: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None
