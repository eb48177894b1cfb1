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
143   stopped by SIGTERM (batch, reprocess and notify stop cleanly; watch, a service,
      ends with 0)
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
import os
import sys
import traceback
from collections.abc import Sequence
from gettext import gettext

import click

from pressdocs._redact import RedactingFilter
from pressdocs._version import __version__
from pressdocs.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_RETRY,
    EXIT_TERMINATED,
    OFFICE_HELP,
    PLUGINS_DIR_ENV,
    PLUGINS_DIR_HELP,
    STORE_HELP,
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
    "demo": "pressdocs.cli.demo:demo_command",
    "export": "pressdocs.cli.export:export_command",
    "forms": "pressdocs.cli.documents:forms_command",
    "notices": "pressdocs.cli.notify:notices_command",
    "notify": "pressdocs.cli.notify:notify_command",
    "parse": "pressdocs.cli.documents:parse_command",
    "plan": "pressdocs.cli.plan:plan_group",
    "plugin": "pressdocs.cli.plugin:plugin_group",
    "plugins": "pressdocs.cli.info:plugins_command",
    "report": "pressdocs.cli.report:report_group",
    "remind": "pressdocs.cli.notify:remind_command",
    "reprocess": "pressdocs.cli.batch:reprocess_command",
    "review": "pressdocs.cli.review:review_group",
    "rules": "pressdocs.cli.rules:rules_command",
    "schema": "pressdocs.cli.info:schema_command",
    "serve": "pressdocs.cli.serve:serve_command",
    "store": "pressdocs.cli.store:store_group",
    "submissions": "pressdocs.cli.submissions:submissions_group",
    "units": "pressdocs.cli.units:units_group",
    "users": "pressdocs.cli.users:users_group",
    "validate": "pressdocs.cli.validate:validate_command",
    "watch": "pressdocs.cli.watch:watch_command",
}

#: Each built-in command's one-line summary for ``pressdocs --help``, so that listing the
#: commands imports none of them.  Each is the first line of the command's own docstring
#: (tests/test_cli_usage.py checks that they stay the same text).
SUMMARIES = {
    "audit": ("审计记录：谁在何时做了什么决定 / "
              "the audit trail: who decided what, when."),
    "batch": ("批量收取邮箱 / "
              "take in a mailbox: IMAP URL, Maildir, mbox, .eml file or folder."),
    "config": "配置 / configuration.",
    "demo": ("用内置示例演示全部流程（不联网，无需配置）/ "
             "the whole job on a built-in sample."),
    "export": ("导出统计表、计划、收件登记、新闻发布会实录或工作台 / "
               "export a report."),
    "forms": ("生成空白表格：登记表、统计表、计划安排 / "
              "write a blank form (附件2/附件3/附件1)."),
    "notices": ("列出通知记录（发件箱）/ "
                "list the outbox: every notice stored and how far it got."),
    "notify": ("发送待发送的通知（每条只发一次）/ "
               "send the notices waiting in the outbox, each once."),
    "parse": ("读取文件，显示类别与提取的内容 / "
              "read files: kind, confidence, data, warnings."),
    "plan": ("年度新闻发布会计划安排（附件1）/ "
             "the annual plan."),
    "plugin": ("编写插件：生成可安装、带测试的插件模板 / "
               "write a plugin: a template to install and test."),
    "plugins": ("列出插件及其登记的功能 / "
                "list plugins and what they registered."),
    "report": "报表 / reports.",
    "remind": ("生成到期的提醒（登记、材料、统计表、逾期），由 notify 发送 / "
               "queue the reminders due."),
    "reprocess": ("用存档的原始邮件重新处理（插件、配置或计划变更后）/ "
                  "process stored messages again."),
    "review": ("审核提交：审批同意、退回补正、豁免核查结果 / "
               "approve, return, waive."),
    "rules": ("列出校验规则、级别和《通知》条款 / "
              "list the rules, severities and clauses."),
    "schema": ("打印 JSON Schema，或列出全部 / "
               "print a JSON Schema, or list them."),
    "serve": ("启动审核台网页（收件箱、审核、计划安排、统计表、审计记录）/ "
              "run the review desk."),
    "store": ("导出或导入整个数据存储（备份、迁移到 PostgreSQL）/ "
              "export or import the whole store."),
    "submissions": ("收件箱：列出提交、查看一条提交的全部内容 / "
                    "the inbox: list submissions, show one."),
    "units": ("单位名录：名称、全称、简称和别名 / "
              "the unit directory: names, full names, aliases."),
    "users": ("账号：谁可以登录审核页面，能做什么 / "
              "staff accounts: who may sign in, and do what."),
    "validate": ("按《通知》核查文件、目录或邮件 / "
                 "check files, folders or .eml messages."),
    "watch": ("监视邮箱，新邮件一到即收取 / "
              "watch a mailbox, taking in new mail as it arrives."),
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
    #: Whether the plugins' commands were added (not for ``--help``: see :func:`main`).
    plugins_loaded: bool = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attr = COMMANDS[cmd_name].partition(":")
            click.Group.add_command(self, getattr(importlib.import_module(module), attr),
                                    cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``: built-in commands not yet imported are listed
        from :data:`SUMMARIES` (click's own shortening of each), without importing them."""
        commands = [(name, self.commands.get(name)
                     or click.Command(name, help=SUMMARIES.get(name, "")))
                    for name in self.list_commands(ctx)]
        shown = [(name, cmd) for name, cmd in commands if not cmd.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section(gettext("Commands")):  # click's own heading
                formatter.write_dl([(name, cmd.get_short_help_str(limit))
                                    for name, cmd in shown])
        if not self.plugins_loaded and (installed := _installed_plugins()):
            with formatter.section("插件 / Plugins"):
                formatter.write_text(
                    f"{', '.join(installed)}: 插件添加的命令由 pressdocs plugins 列出 / "
                    "the commands plugins add are listed by pressdocs plugins.")

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
              help=STORE_HELP)
@click.option("--office", default=None, help=OFFICE_HELP)
@click.option("--strict", is_flag=True, help="插件加载失败即退出 / fail when a plugin fails to load.")
@click.option("--plugins-dir", type=click.Path(file_okay=False), default=None,
              envvar=PLUGINS_DIR_ENV, help=PLUGINS_DIR_HELP)
@click.option("--debug", is_flag=True,
              help="出错时显示 Python 调用栈（或 PRESSDOCS_DEBUG=1）/ show the traceback of an "
                   "error (or PRESSDOCS_DEBUG=1).")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, config_path: str | None, store: str | None,
        office: str | None, strict: bool, plugins_dir: str | None, debug: bool) -> None:
    """pressdocs：新闻发布会材料的收取、读取、核查、通知与报表。

    pressdocs reads the press office's mailbox, checks registrations, materials and
    statistics against the notice, notifies units and writes reports.
    """
    settings = settings_of(ctx)
    settings.lang = lang or settings.lang
    settings.config = config_path or settings.config
    settings.store = store or settings.store
    settings.office = office or settings.office
    settings.strict = strict or settings.strict
    settings.plugins_dir = plugins_dir or settings.plugins_dir
    settings.debug = debug or settings.debug


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pressdocs`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not _needs_plugins(args):  # --version, --help: no plugin imported
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
    try:
        from pressdocs._plugins import load_plugins

        settings.plugins = load_plugins(strict=settings.strict, plugins_dir=_peek(
            args, "--plugins-dir") or os.environ.get(PLUGINS_DIR_ENV) or None)
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


def _needs_plugins(args: list[str]) -> bool:
    """Whether the command line needs the plugins loaded: not for ``--version``, the
    program's own help (plugin commands are named there by :meth:`LazyGroup.format_commands`,
    without importing any plugin) or a built-in command's help."""
    if any(a in ("--version", "-V") for a in args):
        return False
    command = _command_of(args)
    if command is None:
        return False
    return not (command in COMMANDS and any(a in ("--help", "-h") for a in args))


def _command_of(args: list[str]) -> str | None:
    """The command named on the command line (the first word that is not an option of
    the program or its value), or None."""
    takes_value = ("--lang", "--config", "--store", "--office", "--plugins-dir")
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif arg == "--":
            continue
        elif not arg.startswith("-"):
            return arg
    return None


def _plugin_commands(settings: Settings) -> None:
    """Let each plugin add its commands (kept in its :class:`PluginInfo`'s ``registered``
    for ``pressdocs plugins``); one that takes a built-in command's name is
    refused, and a plugin whose hook raises adds none (each with a note; with
    ``--strict`` it stops the run)."""
    assert settings.plugins is not None
    group = cli
    assert isinstance(group, LazyGroup)
    group.plugins_loaded = True
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
        added = sorted(n for n in group.added if n in group.commands)
        for info in settings.plugins.infos:  # shown by ``pressdocs plugins``
            if added and info.name == impl.plugin_name:
                info.registered["command"] = added
        for refusal in group.refused:
            if settings.strict:
                raise refusal
            click.secho(tr(settings.output_lang(), "cli.note", text=refusal.render(
                settings.output_lang())), fg="yellow", err=True)


def _installed_plugins() -> list[str]:
    """The names of the installed plugins (entry points of the group ``pressdocs``), read
    from the packages' metadata without importing any of them."""
    from importlib.metadata import entry_points

    # pressdocs._plugins.ENTRY_POINT_GROUP, without importing it (the tests check)
    return sorted({ep.name for ep in entry_points(group="pressdocs")})


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
