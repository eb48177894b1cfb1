"""Shared pieces of the CLI: the run's settings, the app built from them, texts from the
catalogues, errors into exit codes.

``--lang``, ``--config`` and ``--store`` are accepted before the command
(``pressdocs --lang en batch …``) and after it (``pressdocs batch … --lang en``): both
set the same :class:`Settings`, and the :class:`pressdocs.Pressdocs` a command gets is
built from them when the command runs (:func:`pass_app`).

Options take their values through the parameter types here (:class:`Day`,
:class:`Number`, :class:`OneOf`), which say what is wrong with a value in the output
language ("“notadate”不是有效的日期…"); click's own types say it in English only.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from pressdocs.errors import PressdocsError

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._plugins import Plugins

__all__ = [
    "DAY",
    "EXIT_CANNOT_RUN",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_RETRY",
    "EXIT_TERMINATED",
    "ITEM",
    "MESSAGES",
    "OFFSET",
    "PAGE_SIZE",
    "PLUGINS_DIR_ENV",
    "PLUGINS_DIR_HELP",
    "PORT",
    "YEAR",
    "Day",
    "Number",
    "OneOf",
    "Settings",
    "Terminated",
    "common_options",
    "debug_wanted",
    "fail",
    "pass_app",
    "print_json",
    "printable",
    "settings_of",
    "stops_on_sigterm",
    "tr",
]

#: ``validate`` (and ``units check``) found errors in what they checked.
EXIT_FINDINGS = 1
#: The command could not run: usage, configuration, plugin, store or input problem.
EXIT_CANNOT_RUN = 2
#: The run was cut short, or some messages could not be processed now, by something
#: outside pressdocs and not the messages' own fault (a full disk, the mail server's
#: connection dropped or timed out): what was committed is kept; the next run goes on.
EXIT_RETRY = 3
#: A bug in pressdocs or a plugin: one line, and ``--debug`` shows the traceback.
EXIT_INTERNAL = 70
#: Interrupted with Ctrl-C (SIGINT): 128 + 2, as shells report it.
EXIT_INTERRUPTED = 130
#: Stopped with SIGTERM (``kill``, systemd, a container stopping): 128 + 15.
EXIT_TERMINATED = 143

#: The environment variable that turns ``--debug`` on.
DEBUG_ENV = "PRESSDOCS_DEBUG"
STORE_HELP = ("数据存储目录，或 PostgreSQL 数据库 postgresql://… / store directory "
              "(default ./pressdocs-data), or a PostgreSQL database postgresql://….")
OFFICE_HELP = ("为多个新闻办服务时，选择其中一个（配置中的 [offices.名称]，或 PRESSDOCS_OFFICE）"
               " / one office of several ([offices.NAME] in the configuration, or "
               "PRESSDOCS_OFFICE).")

#: The environment variable naming a folder of one-off plugins (``--plugins-dir``).
PLUGINS_DIR_ENV = "PRESSDOCS_PLUGINS_DIR"
PLUGINS_DIR_HELP = ("把目录中的每个 .py 文件作为插件加载（或 PRESSDOCS_PLUGINS_DIR）/ load every "
                    ".py file of a folder as a plugin (or PRESSDOCS_PLUGINS_DIR).")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    """What the command line says about this run, wherever the options were given."""

    lang: str | None = None
    config: str | None = None
    store: str | None = None
    office: str | None = None  # --office: one office of a deployment of several
    strict: bool = False
    plugins_dir: str | None = None  # --plugins-dir: one-off plugin modules in a folder
    debug: bool = False  # tracebacks with the one-line errors (--debug, PRESSDOCS_DEBUG=1)
    plugins: Plugins | None = None  # loaded once by main(), shared by every command
    given: Pressdocs | None = None  # a program that runs the CLI with its own Pressdocs

    def app(self) -> Pressdocs:
        """The :class:`Pressdocs` these settings describe (the one given, if any)."""
        from pressdocs._app import Pressdocs

        if self.given is not None:
            return self.given
        return Pressdocs(config=self.config, store=self.store, lang=self.lang,
                         office=self.office, strict=self.strict, plugins=self.plugins,
                         plugins_dir=self.plugins_dir if self.plugins is None else None)

    def output_lang(self) -> str:
        """The output language, even before (or without) a readable configuration."""
        return resolve_lang(self.lang)


def resolve_lang(explicit: str | None = None) -> str:
    """:func:`pressdocs._app.resolve_lang` without a configuration, without importing the
    library (the output language of ``--help`` and ``--version``)."""
    import os

    for candidate in (explicit, os.environ.get("PRESSDOCS_LANG")):
        if candidate:
            return "en" if candidate.lower().startswith("en") else "zh"
    return "zh"


def settings_of(ctx: click.Context | None = None) -> Settings:
    """The run's settings (made on first use, e.g. by a test invoking a command alone)."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        from pressdocs._app import Pressdocs
        from pressdocs._plugins import Plugins

        given = root.obj
        root.obj = Settings(plugins=given if isinstance(given, Plugins) else None,
                            given=given if isinstance(given, Pressdocs) else None)
    return root.obj


def _set(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is not None:
            setattr(settings_of(ctx), name, value)
    return callback


def debug_wanted(args: list[str] | None = None) -> bool:
    """Whether tracebacks are wanted: ``--debug`` on the command line or
    ``PRESSDOCS_DEBUG=1`` (any value but empty, 0, false, no, off)."""
    if args is not None and "--debug" in args:
        return True
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def common_options(func: F) -> F:
    """``--lang``, ``--config``, ``--store``, ``--office``, ``--strict``, ``--plugins-dir``
    and ``--debug``, given after the command."""
    options = (
        click.option("--lang", type=OneOf(["zh", "en"]), default=None,
                     expose_value=False, is_eager=True, callback=_set("lang"),
                     help="输出语言 / output language (default: zh, or PRESSDOCS_LANG)."),
        click.option("--config", type=click.Path(dir_okay=False), default=None,
                     expose_value=False, callback=_set("config"),
                     help="配置文件 pressdocs.toml / configuration file."),
        click.option("--store", type=click.Path(), default=None,
                     expose_value=False, callback=_set("store"), help=STORE_HELP),
        click.option("--office", default=None, expose_value=False, callback=_set("office"),
                     help=OFFICE_HELP),
        click.option("--strict", is_flag=True, default=None, expose_value=False,
                     callback=_set("strict"),
                     help="插件加载失败即退出 / fail when a plugin fails to load."),
        click.option("--plugins-dir", type=click.Path(file_okay=False), default=None,
                     expose_value=False, callback=_set("plugins_dir"), help=PLUGINS_DIR_HELP),
        click.option("--debug", is_flag=True, default=None, expose_value=False,
                     callback=_set("debug"),
                     help="出错时显示 Python 调用栈 / show the Python traceback of an error."),
    )
    for option in reversed(options):
        func = option(func)
    return func


def pass_app(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give the command the :class:`Pressdocs` of this run as its first argument, close
    it afterwards, and turn a :class:`PressdocsError` into a clear message and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = settings_of()
        app = settings.app()
        try:
            return func(app, *args, **kwargs)
        except PressdocsError as exc:
            fail(exc, _lang_of(app, settings))
        finally:
            app.close()

    return wrapper


def _lang_of(app: Pressdocs, settings: Settings) -> str:
    """The output language, even when the configuration itself is broken."""
    try:
        return app.lang
    except PressdocsError:
        return settings.output_lang()


def tr(lang: str, key: str, /, **params: Any) -> str:
    """The catalogues' text ``key`` in ``lang`` (see :mod:`pressdocs._messages`), for the
    terminal: what the parameters bring in (a sender's name, a subject, a file name, a
    finding about one) has its control characters shown escaped (:func:`printable`)."""
    from pressdocs._messages import render_text
    from pressdocs.models import Message

    def safe(value: Any) -> Any:
        if isinstance(value, Message):
            return printable(value.text(lang))
        if isinstance(value, str):
            return printable(value)
        if isinstance(value, list | tuple):
            return [safe(v) for v in value]
        return value

    return render_text(key, {k: safe(v) for k, v in params.items()}, lang)


def fail(exc: PressdocsError, lang: str, code: int | None = None) -> NoReturn:
    """Print ``exc`` the way users should see it and exit with ``code`` (by default the
    one its kind has: :func:`exit_code_of`).  The traceback only with ``--debug``."""
    if _debugging():
        traceback.print_exception(exc, file=sys.stderr)
    click.secho(tr(lang, "cli.error", text=exc.render(lang)), fg="red", err=True)
    sys.exit(exit_code_of(exc) if code is None else code)


def exit_code_of(exc: PressdocsError) -> int:
    """The exit code of an error: :data:`EXIT_RETRY` for a connection lost midway,
    :data:`EXIT_CANNOT_RUN` for every other."""
    from pressdocs.errors import ConnectionLost

    return EXIT_RETRY if isinstance(exc, ConnectionLost) else EXIT_CANNOT_RUN


def _debugging() -> bool:
    ctx = click.get_current_context(silent=True)
    return (ctx is not None and settings_of(ctx).debug) or debug_wanted(sys.argv[1:])


class Terminated(BaseException):
    """SIGTERM arrived during a long command: unwinds like Ctrl-C (transactions roll back,
    LibreOffice and temporary folders are cleaned up, the lock released), then exit 143.

    A :class:`BaseException`, so that no ``except Exception`` on the way — a message kept
    as a PD900 error, a plugin's hook guarded — can swallow it."""


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM raised as :class:`Terminated` inside the block (once: a second SIGTERM while
    cleaning up is ignored, so the clean-up finishes); nothing changes outside the main
    thread (a program running the CLI in a thread)."""
    stopping = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Terminated(signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stops_on_sigterm(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command under :func:`sigterm_raises`.  For the long commands only (batch,
    reprocess, notify, watch); the others end at once on SIGTERM, as usual."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with sigterm_raises():
            return func(*args, **kwargs)

    return wrapper


# --- text from the mail, shown on a terminal --------------------------------------------

#: What a terminal would act on instead of showing: C0 and C1 controls (ESC starts colour,
#: cursor, title and OSC 8 hyperlink sequences), DEL, and the bidirectional controls that
#: reorder what is shown (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}\t\n]")
_UNSAFE_KEEP_LINES = re.compile(f"[{_CONTROLS}]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe to show on a terminal: every control character and bidirectional
    override written as its escape (``\\x1b``, ``\\u202e``), so that a sender's name or a
    file name cannot colour, move, hide, link or reorder what the office reads.
    Line breaks and tabs are escaped too, unless ``lines`` (text pressdocs laid out).
    JSON output is left as it is (the JSON escapes are its own)."""
    return (_UNSAFE_KEEP_LINES if lines else _UNSAFE).sub(_escaped, text)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- parameter types that explain a wrong value in the output language ------------------


def _lang(ctx: click.Context | None) -> str:
    return settings_of(ctx).output_lang() if ctx is not None else resolve_lang()


class Day(click.DateTime):
    """A day written YYYY-MM-DD (converted to a :class:`datetime.datetime` at midnight)."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(tr(_lang(ctx), "cli.value.not_a_day", value=str(value)), param, ctx)


class Number(click.types.IntParamType):
    """A whole number, within ``minimum`` and ``maximum`` when given."""

    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            number = super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(tr(_lang(ctx), "cli.value.not_a_number", value=str(value)),
                      param, ctx)
        if (self.minimum is not None and number < self.minimum) or \
                (self.maximum is not None and number > self.maximum):
            self.fail(tr(_lang(ctx), "cli.value.out_of_range", value=number,
                         minimum=self.minimum, maximum=self.maximum), param, ctx)
        return number


# Every number an option takes has both bounds (issue 14): a value outside is refused
# naming the range, in the output language.

#: A year as the office writes it (计划年份, 统计年份).
YEAR = Number(2000, 2100)
#: A plan item's number (计划安排第N项).
ITEM = Number(1, 9999)
#: How many messages one ``batch`` takes in (``--limit``).
MESSAGES = Number(1, 1_000_000)
#: How many submissions a list shows (``--limit``; 0: every one) and skips (``--offset``).
PAGE_SIZE = Number(0, 100_000)
OFFSET = Number(0, 1_000_000)
#: A TCP port (``serve --port``).
PORT = Number(1, 65535)


class OneOf(click.Choice[str]):
    """One of the ``choices``."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(tr(_lang(ctx), "cli.value.not_a_choice", value=str(value),
                         choices=[str(c) for c in self.choices]), param, ctx)


#: The type of every ``--since`` / ``--as-of`` option.
DAY = Day()
