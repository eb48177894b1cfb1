"""Configuration: the notice's rules, the unit directory, mail settings — from a TOML file.

The file is found in this order: an explicit path (``--config``), the
``PRESSDOCS_CONFIG`` variable, ``pressdocs.toml`` in the working directory; without
one, the defaults reproduce the city's notice exactly (芜湖市, whxwtg@163.com, 3 days,
1 day, 1200 字, 2 questions, 500 字, 3 pictures, 1 video, 1 month, 06-30 and 12-30).

Secrets do not belong in the file: a secret is written ``{env = "PRESSDOCS_IMAP_SECRET"}``
(read from the environment) or ``secret_file = "/etc/pressdocs/imap.secret"`` (read from
that file), only when used.  A literal value under a secret-looking key (``password``,
``secret``, ``token``, ``auth_code``, ``*_key``) or a password in a URL
(``imaps://user:SECRET@host``) still works, with a warning naming the key and how to move
it; either way the value is never printed (:mod:`pressdocs._redact`).
:meth:`Config.redacted` is what ``pressdocs config show --json`` prints.

Example ``pressdocs.toml``::

    city = "芜湖市"
    office_mailbox = "whxwtg@163.com"

    [deadlines]
    registration_days_before = 3
    days = "calendar"            # or "working" (调休-aware, chinese-calendar)

    [rules.PD203]
    severity = "error"           # or: enabled = false

    [units."市财政局"]            # extends the shipped unit directory (see _units.py)
    emails = ["czj@wuhu.gov.cn"]
    mobiles = ["13905531234"]
    aliases = ["财政局", "芜湖市财政局"]

    [mail]
    imap = "imaps://whxwtg@163.com@imap.163.com/INBOX"
    secret = {env = "PRESSDOCS_IMAP_SECRET"}
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pressdocs._messages import did_you_mean
from pressdocs._redact import MASK, remember, scrub, url_password
from pressdocs.errors import ConfigError, PressdocsError
from pressdocs.models import Message, Severity

if TYPE_CHECKING:
    from pressdocs._plugins import Plugins
    from pressdocs._units import UnitDirectory

__all__ = [
    "Config",
    "Contact",
    "Deadlines",
    "Limits",
    "MaterialsRules",
    "RuleSetting",
    "Secret",
    "Unit",
    "find_config_file",
    "load_config",
]

log = logging.getLogger("pressdocs")

#: The keys that hold a secret, in any table: a literal value under one is warned about
#: and redacted (``secret``, ``password``, ``auth_code``, ``access_key_secret``, ``api_key``…).
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|授权码|auth_?code|(^|_)key$)",
                         re.IGNORECASE)


@dataclass(frozen=True)
class Secret:
    """A secret (a password, 授权码, access key): named by an environment variable
    (``{env = "VAR"}``) or a file (``secret_file = "/path"`` or ``{file = "/path"}``) and
    read only when :meth:`reveal` is called, or — discouraged, and warned about when the
    configuration is read — written literally (``value``).  Never printed: its
    :meth:`note` stands in for it, and once known it is scrubbed from every text
    pressdocs prints (:mod:`pressdocs._redact`)."""

    env: str = ""
    file: str = ""
    value: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.value:
            remember(self.value)

    @property
    def kind(self) -> str:
        """Where the secret comes from: ``"env"``, ``"file"`` or ``"literal"``."""
        return "file" if self.file else "env" if self.env else "literal"

    def reveal(self) -> str:
        """The secret's value; :class:`ConfigError` when the variable is not set or the file
        cannot be read."""
        if self.file:
            try:
                value = Path(self.file).read_text(encoding="utf-8").strip("\r\n")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError.of("config.secret_file_unreadable", path=self.file,
                                     error=getattr(exc, "strerror", None) or str(exc)) from None
            if not value:
                raise ConfigError.of("config.secret_file_empty", path=self.file)
        elif self.env:
            value = os.environ.get(self.env, "")
            if not value:
                raise ConfigError.of("config.secret_unset", env=self.env)
        else:
            value = self.value
        remember(value)
        return value

    def note(self, lang: str = "zh") -> str:
        """What is shown instead of the secret: ``***`` and where it comes from."""
        if self.file:
            return Message.of("config.secret_note_file", path=self.file).text(lang)
        if self.env:
            return Message.of("config.secret_note", env=self.env).text(lang)
        return Message.of("config.secret_note_literal").text(lang)

    def __str__(self) -> str:
        return self.note("zh")

    def __repr__(self) -> str:
        if self.file:
            return f"Secret(file={self.file!r})"
        return f"Secret(env={self.env!r})" if self.env else "Secret(value='***')"


def as_secret(value: Any) -> Secret | None:
    """A secret setting as a :class:`Secret`: one already, or a literal string (a
    configuration built in code); ``None`` for anything else."""
    if isinstance(value, Secret):
        return value
    if isinstance(value, str) and value:
        return Secret(value=value)
    return None


def within(minimum: int, maximum: int, default: Any = MISSING) -> Any:
    """A numeric setting of a settings dataclass with its allowed range, declared next to
    it (in the field's metadata, ``"range"``): checked by whoever reads the setting
    (:func:`check_range` with :func:`range_of`), listed by the tests.  Without
    ``default`` the field has none (a channel's setting whose default depends on others)."""
    if default is MISSING:
        return field(metadata={"range": (minimum, maximum)})
    return field(default=default, metadata={"range": (minimum, maximum)})


def range_of(cls: type[Any], name: str) -> tuple[int, int]:
    """The allowed range of the numeric setting ``name`` of the settings dataclass ``cls``."""
    found: tuple[int, int] = next(f.metadata["range"] for f in fields(cls) if f.name == name)
    return found


def check_range(key: str, value: float, minimum: int, maximum: int, *,
                error: type[PressdocsError] = ConfigError) -> None:
    """Refuse ``value`` of setting ``key`` outside ``minimum``–``maximum`` with ``error``
    (``config.out_of_range``, naming the key, the value and the range)."""
    if not minimum <= value <= maximum:
        raise error.of("config.out_of_range", key=key, value=value, minimum=minimum,
                       maximum=maximum)


#: The metadata of a dataclass field that is no key of ``pressdocs.toml`` (the
#: configuration reference, generated from these classes, leaves it out).
_NOT_A_KEY = {"setting": False}

# Every field a key of pressdocs.toml is explained by the string literal under it (an
# attribute docstring): docs/reference/configuration.md is generated from these classes —
# the type, the default, the range of ``within`` and that text — and a test fails for a
# key without one.


@dataclass
class Deadlines:
    """When forms are due (《通知》二、附件2)."""

    registration_days_before: int = within(0, 90, 3)
    """The 登记表 is due this many days before the conference (发布会召开前3天; PD101)."""
    materials_days_before: int = within(0, 90, 1)
    """The materials (发布材料) are due this many days before the conference
    (发布会召开前1天; PD201)."""
    days: str = "calendar"
    """How those days are counted: `"calendar"`, or `"working"` for 工作日 with
    chinese-calendar (调休 aware; PD106 when it does not cover the year)."""
    max_delay_months: int = within(0, 24, 1)
    """How many months after its planned month a conference may be held
    (延期一般不超过1个月; PD302)."""
    statistics_due: list[str] = field(default_factory=lambda: ["06-30", "12-30"])
    """The days the statistics table (统计表) is due each year, as `MM-DD` (PD401)."""


@dataclass
class MaterialsRules:
    """What a materials package holds (附件2, 新闻发布会内容)."""

    press_release_max_chars: int = within(1, 100_000, 1200)
    """The press release's 字数 at most (发布稿原则上不超过1200字; PD203)."""
    min_questions: int = within(0, 100, 2)
    """Questions with answers at least (至少提供2个提问问题; PD204)."""
    answer_max_chars: int = within(1, 100_000, 500)
    """Each answer's 字数 at most (每个回答不超过500字; PD205)."""
    pictures: int = within(0, 100, 3)
    """Pictures exactly (图片3张; PD206)."""
    max_videos: int = within(0, 100, 1)
    """Videos at most (视频(备选)1个; PD207)."""


@dataclass
class Limits:
    """What reading one document, and one message's documents, may cost (``[limits]``).

    Each document is read in a worker process (see :mod:`pressdocs._budget`) with at most
    ``document_memory_mb`` MiB of address space and ``document_seconds`` seconds; all the
    documents of one message together get ``message_seconds``.  ``worker = false`` reads
    in-process, without the memory and time limits (for debugging only).
    """

    document_seconds: int = within(1, 3600, 60)
    """Wall-clock seconds to read one document; beyond them its reading stops (PD907)."""
    document_memory_mb: int = within(256, 65536, 1024)
    """The reading worker's address space in MiB (`RLIMIT_AS`, which counts the ~200 MiB
    of libraries the worker has loaded); beyond it the document's reading stops (PD907)."""
    ocr_memory_mb: int = within(512, 65536, 3072)
    """The reading worker's address space in MiB when it reads a scan by OCR: the OCR
    models and ONNX Runtime take about 1.5 GiB of it (the time is `document_seconds`)."""
    message_seconds: int = within(1, 86400, 180)
    """Wall-clock seconds for all the documents of one message together."""
    worker: bool = True
    """`false` reads in-process, without these limits (for debugging only)."""
    lease_seconds: int = within(5, 86400, 900)
    """How long a batch holds a message it claimed before another batch on the same store
    may take it (a batch killed mid-message frees it after this); above the longest a
    message takes, `message_seconds` and the wait for `--workers` readers included."""


@dataclass
class RuleSetting:
    """A user's setting for one rule code: switch it off or change its severity."""

    enabled: bool = True
    """`false` switches the rule off."""
    severity: Severity | None = None
    """The rule's severity instead of its own: `"error"`, `"warning"` or `"info"`."""


@dataclass(frozen=True)
class Contact:
    """A person notices reach at a unit (联系人): ``{name = "王芳", role = "办公室主任",
    email = "…", mobile = "…"}`` in a unit's ``contacts``."""

    name: str = ""
    """The person's name (王芳)."""
    role: str = ""
    """Their position (办公室主任)."""
    email: str = ""
    """Their mailbox: the unit's notices go there too, and mail from it is the unit's."""
    mobile: str = ""
    """Their mobile: the unit's text messages go there too."""


@dataclass
class Unit:
    """One unit of the unit directory: the name pressdocs records it by, how to reach it
    (the unit's ``emails`` and ``mobiles``, and its ``contacts``' own) and the other names
    it goes by (a ``[units."市财政局"]`` table, or an entry of the directory shipped with
    pressdocs: :attr:`Config.directory`)."""

    name: str = field(metadata=_NOT_A_KEY)
    """The name pressdocs records the unit by: the table's name."""
    emails: list[str] = field(default_factory=list)
    """The unit's mailboxes: where notices go by email; mail from one of them is the
    unit's."""
    mobiles: list[str] = field(default_factory=list)
    """The unit's mobiles: where text messages go."""
    aliases: list[str] = field(default_factory=list)
    """Other names the unit goes by (财政局, 芜湖市财政局); a table whose name or alias is
    a unit of the shipped directory extends that unit."""
    contacts: list[Contact] = field(default_factory=list)
    """联系人: people at the unit the notices also go to,
    `{name, role, email, mobile}`."""

    def all_emails(self) -> list[str]:
        """The unit's addresses, then its contacts', each once."""
        return list(dict.fromkeys([*self.emails, *(c.email for c in self.contacts
                                                   if c.email)]))

    def all_mobiles(self) -> list[str]:
        """The unit's mobiles, then its contacts', each once."""
        return list(dict.fromkeys([*self.mobiles, *(c.mobile for c in self.contacts
                                                    if c.mobile)]))


@dataclass
class Config:
    """Everything configurable; the defaults are the city's notice."""

    city: str = "芜湖市"
    """The city (never a literal in code): units' full names are made with it
    (芜湖市人力资源和社会保障局), and spam standing where it belongs is found by it."""
    office: str = "市新闻办"
    """The press office: who signs the notices (the sender's name in email)."""
    office_mailbox: str = "whxwtg@163.com"
    """Where units send registrations and materials: named in notices, the default login
    of `[notify.email]` and the default recipient of the digest."""
    timezone: str = "Asia/Shanghai"
    """Every time is judged in it (an IANA time zone)."""
    lang: str = "zh"
    """The output language, `"zh"` or `"en"`; `--lang` and `PRESSDOCS_LANG` win."""
    store: str = ""
    """The store directory, or a PostgreSQL database (`postgresql://user@host/db`, the
    password in `PGPASSWORD` or `~/.pgpass`); `--store` and `PRESSDOCS_HOME` win; empty:
    `./pressdocs-data`."""
    bucket: str = ""
    """Where the original files are kept besides the store's folder, for several machines
    to share: a location a `BlobBucket` plugin handles (`s3://press/originals`); empty:
    the folder alone."""
    blobs: str = ""
    """Where a PostgreSQL store keeps the original files (a folder several machines can
    share); `PRESSDOCS_BLOBS` wins; empty: `./pressdocs-data`. A store directory keeps
    its own beside its database."""
    deadlines: Deadlines = field(default_factory=Deadlines)
    """When forms are due."""
    materials: MaterialsRules = field(default_factory=MaterialsRules)
    """What a materials package holds."""
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    """A rule's setting, by its code: switch it off or change its severity. A code no
    validator has is refused, naming the nearest (`pressdocs rules` lists them)."""
    units: dict[str, Unit] = field(default_factory=dict)
    """Extends and overrides the unit directory shipped with pressdocs: the units notices
    go to and the names each goes by (`pressdocs units` lists the directory in effect)."""
    mail: dict[str, Any] = field(default_factory=dict)
    """The mailbox `pressdocs batch` takes in and how; its keys belong to the mail
    sources that read them."""
    notify: dict[str, Any] = field(default_factory=dict)
    """Notices and the channels they go out by; its keys belong to the notifier and each
    channel (`[notify.email]`, `[notify.outbox]`, `[notify.sms]`, a plugin's)."""
    plugins: dict[str, Any] = field(default_factory=dict)
    """A plugin's own settings, `[plugins.<name>]` named like the plugin as `pressdocs
    plugins` lists it; the plugin reads them as `context.plugin_config()`. A name no
    installed plugin has is refused."""
    limits: Limits = field(default_factory=Limits)
    """What reading one document, and one message's documents, may cost."""
    source: str = field(default="", metadata=_NOT_A_KEY)
    """The file the configuration came from, `""` for the defaults."""
    office_key: str = field(default="", metadata=_NOT_A_KEY)
    """The office of a deployment of several (`[offices.NAME]`, chosen with `--office`)
    this configuration is; `""` for a deployment of one."""
    office_store: str = field(default="", metadata=_NOT_A_KEY)
    """The store (and the blobs folder) the office's own table names, if it names one."""
    office_blobs: str = field(default="", metadata=_NOT_A_KEY)

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)

    def rule(self, code: str) -> RuleSetting:
        """The user's setting for rule ``code`` (default: enabled, default severity)."""
        return self.rules.get(code, RuleSetting())

    @property
    def directory(self) -> UnitDirectory:
        """The unit directory: the one shipped with pressdocs, extended and overridden by
        the ``[units]`` tables (see :mod:`pressdocs._units`); built once per city and
        set of tables."""
        from pressdocs._units import directory

        return directory(self)

    def find_unit(self, name_or_alias: str) -> Unit | None:
        """The unit of the unit directory called ``name_or_alias`` by any of its names.

        Names are compared as the directory reduces them, so 芜湖市财政局, 市财政局,
        "市 财政局" and 财政局 find the same unit, and 芜湖市人力资源和社会保障局 finds
        市人社局.
        """
        return self.directory.find(name_or_alias)

    def unit_key(self, name: str) -> str:
        """What a unit's name is compared by: the name the unit directory records the
        unit by (芜湖市人力资源和社会保障局 → 市人社局), or for a unit it does not know, the
        name without spaces, the city's name and a leading 市 (芜湖市文明办 → 文明办)."""
        return self.directory.key(name)

    def unit_by_email(self, address: str) -> Unit | None:
        """The unit that sends from ``address`` (case-insensitive)."""
        return self.directory.by_email(address)

    def to_toml(self) -> str:
        """The configuration as a ``pressdocs.toml`` that :func:`load_config` reads back to
        an equal configuration (``source`` aside).

        Every value in effect is written, defaults included; a value that is None is left
        out (TOML has no null), and so is a section left empty (``[units]`` with no unit).
        A secret is written as the file names it, ``secret = {env = "VAR"}`` or
        ``{file = "/path"}`` (tomli-w writes it as the table ``[mail.secret]`` with
        ``env = "VAR"``: the same TOML), never its value: a secret written literally, and
        the password of a URL, are written as ``***``.
        """
        import tomli_w

        table: dict[str, Any] = _toml_value(self)
        for name in _NOT_KEYS:  # where it came from, which office: not settings
            del table[name]
        return tomli_w.dumps({k: v for k, v in table.items() if v != {}})

    def redacted(self, lang: str = "zh") -> dict[str, Any]:
        """The configuration as a plain dict with every secret replaced by its note
        (in ``lang``)."""
        plain: dict[str, Any] = _plain(self, lang)
        return plain


_NOT_KEYS = tuple(f.name for f in fields(Config) if f.metadata.get("setting") is False)


def _plain(value: Any, lang: str) -> Any:
    if isinstance(value, Secret):
        return value.note(lang)
    if isinstance(value, str):
        return scrub(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name), lang) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, lang) for v in value]
    if isinstance(value, Severity):
        return value.value
    return value


def find_config_file(explicit: str | Path | None = None) -> Path | None:
    """The configuration file to use: explicit, ``PRESSDOCS_CONFIG``, ``./pressdocs.toml``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PRESSDOCS_CONFIG")
    if env:
        return Path(env)
    local = Path.cwd() / "pressdocs.toml"
    return local if local.is_file() else None


def load_config(path: str | Path | None = None, *, office: str | None = None) -> Config:
    """Load the configuration (see :func:`find_config_file`); defaults when there is none.

    A deployment serving several offices has a table ``[offices.NAME]`` for each, holding
    what is the office's own — city, office, mailbox, ``[mail]``, ``[units]``,
    ``[notify]`` …; ``office`` chooses one (``--office``, ``PRESSDOCS_OFFICE``), and its
    configuration is the file's top level with the office's table laid over it
    (:func:`office_config`).  Each office keeps its own store (its plan, submissions,
    staff): see :attr:`pressdocs.Pressdocs.store_location`.
    """
    found = find_config_file(path)
    if found is None:
        if office:
            raise ConfigError.of("config.no_offices", office=office, path="pressdocs.toml")
        return Config()
    try:
        raw: dict[str, Any] = tomllib.loads(found.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError.of("config.not_found", path=str(found)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError.of("config.not_toml", path=str(found), error=str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError.of("config.not_utf8", path=str(found)) from None
    office_table, raw = office_config(raw, office, str(found))
    config = config_from_dict(raw, source=str(found))
    if office_table is not None:
        config.office_key = str(office)
        for key in ("store", "blobs"):
            value = office_table.get(key, "")
            _expect_type(f"offices.{office}.{key}", value, str)
            setattr(config, f"office_{key}", value)
    return config


def office_config(raw: dict[str, Any], office: str | None,
                  source: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The office's own table and the file's configuration with it laid over the top
    level (tables such as ``[mail]`` merged key by key; ``[units]`` replaced: a unit
    directory is an office's own); ``(None, raw)`` for a deployment of one office."""
    raw = dict(raw)
    offices = raw.pop("offices", None)
    if offices is None:
        if office:
            raise ConfigError.of("config.no_offices", office=office, path=source)
        return None, raw
    tables = _table(offices, "offices")
    names = "、".join(tables)
    if not office:
        raise ConfigError.of("config.office_needed", path=source, offices=names)
    if office not in tables:
        raise ConfigError.of("config.unknown_office", office=office, offices=names)
    own = dict(_table(tables[office], f"offices.{office}"))
    merged = dict(raw)
    for key, value in own.items():
        if key in ("store", "blobs"):
            continue  # the office's store: pressdocs.Pressdocs.store_location
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "units":
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return own, merged


def config_from_dict(raw: dict[str, Any], source: str = "") -> Config:
    """Build a :class:`Config` from a parsed TOML dict; unknown keys are errors."""
    lang = os.environ.get("PRESSDOCS_LANG") or str(raw.get("lang") or "zh")
    raw = _secrets(raw, "", "en" if lang.lower().startswith("en") else "zh")
    config = Config(source=source)
    simple = {"city", "office", "office_mailbox", "timezone", "lang", "store", "blobs",
              "bucket"}
    for key, value in raw.items():
        if key in simple:
            _expect_type(key, value, str)
            setattr(config, key, value)
        elif key == "deadlines":
            config.deadlines = _section(Deadlines, value, key)
        elif key == "materials":
            config.materials = _section(MaterialsRules, value, key)
        elif key == "limits":
            config.limits = _section(Limits, value, key)
        elif key == "rules":
            config.rules = {code: _rule(code, v) for code, v in _table(value, key).items()}
        elif key == "units":
            config.units = {name: _unit(name, v) for name, v in _table(value, key).items()}
        elif key == "offices":  # each office's configuration is checked as a whole
            for office in _table(value, key):
                config_from_dict(office_config(raw, office, source)[1], source)
        elif key in ("mail", "notify", "plugins"):
            setattr(config, key, _table(value, key))
            if key == "notify":
                _check_notify_numbers(config.notify)
        else:
            raise _unknown(key, "")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError.of("config.bad_timezone", value=config.timezone) from None
    if config.deadlines.days not in ("calendar", "working"):
        raise ConfigError.of("config.bad_days")
    if config.lang not in ("zh", "en"):
        raise ConfigError.of("config.bad_lang")
    for due in config.deadlines.statistics_due:
        if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", due):
            raise ConfigError.of("config.bad_due", value=due)
    return config


def _toml_value(value: Any) -> Any:
    """``value`` as the plain data :func:`config_from_dict` reads: secrets as ``{env = …}``,
    severities by name, a unit without its name (it is the table's), no None."""
    if isinstance(value, Secret):
        return {value.kind: getattr(value, value.kind)} if value.kind != "literal" else MASK
    if isinstance(value, str):
        return scrub(value)  # a URL's password, a known secret: never written out
    if isinstance(value, Unit):
        table: dict[str, Any] = {"emails": value.emails, "mobiles": value.mobiles,
                                 "aliases": value.aliases}
        if value.contacts:
            table["contacts"] = [{k: v for k, v in vars(c).items() if v}
                                 for c in value.contacts]
        return _toml_value(table)
    if hasattr(value, "__dataclass_fields__"):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _toml_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_toml_value(v) for v in value if v is not None]
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def check_config(config: Config, plugins: Plugins) -> None:
    """Check what only the loaded plugins can tell: that every ``[rules.<CODE>]`` names a
    rule some validator has, and every ``[plugins.<name>]`` an installed plugin.

    Raises :class:`ConfigError` naming the key, suggesting the nearest code or plugin
    and listing the known ones.  A code no loaded rule has while a third-party plugin
    failed or was not loaded may be that plugin's: it is logged, not refused, so that a
    plugin left out never makes the configuration fail as well.
    """
    codes = sorted(set(plugins.registry.codes()))  # imports no rule
    unloaded = [i.name for i in plugins.infos if not i.builtin and i.status != "loaded"]
    for code in config.rules:
        if code in codes:
            continue
        if unloaded:
            log.warning("%s", Message.of("config.unknown_rule_unchecked", code=code,
                                         plugins=unloaded).zh)
            continue
        raise ConfigError.of("config.unknown_rule", code=code, known=codes,
                             suggestion=did_you_mean(_code_lookalike(code), codes))
    installed = [i.name for i in plugins.infos]
    third_party = [i.name for i in plugins.infos if not i.builtin]
    for name in config.plugins:
        if name not in installed:
            raise ConfigError.of("config.unknown_plugin", name=name,
                                 suggestion=did_you_mean(name, installed),
                                 known=third_party or Message.of("config.no_plugins"))


def _code_lookalike(code: str) -> str:
    """``code`` as it was probably meant: capitals, and O, I, l in the digits read as 0, 1
    (PD2O3 → PD203), so that the nearest code is the intended one, not any PD2xx."""
    code = code.strip().upper()
    return code[:2] + code[2:].translate(str.maketrans("OIL", "011"))



#: The environment variable each built-in secret is read from by default, suggested
#: when one is written literally.
_SECRET_VARIABLES = {"mail.secret": "PRESSDOCS_IMAP_SECRET",
                     "notify.email.secret": "PRESSDOCS_SMTP_SECRET",
                     "notify.sms.access_key_secret": "PRESSDOCS_SMS_SECRET"}


def _secrets(value: Any, path: str, lang: str = "zh") -> Any:
    """Turn ``{env = "X"}`` / ``{file = "/p"}`` tables and ``*_file = "/p"`` keys into
    :class:`Secret`; a literal secret (under a secret-looking key, or as a URL's password)
    still works but is warned about, naming the key and how to move it."""
    if isinstance(value, dict):
        if set(value) in ({"env"}, {"file"}):
            (kind, where), = value.items()
            _expect_type(f"{path}.{kind}", where, str)
            return Secret(env=where) if kind == "env" else Secret(file=where)
        result: dict[str, Any] = {}
        for k, v in value.items():
            sub = f"{path}.{k}" if path else k
            stem = k.removesuffix("_file")
            if stem != k and _SECRET_KEY.search(stem) and isinstance(v, str):
                if stem in value:
                    raise ConfigError.of("config.secret_twice", key=f"{sub[:-5]}",
                                         other=sub)
                result[stem] = Secret(file=v)
            elif _SECRET_KEY.search(k) and isinstance(v, str):
                variable = _SECRET_VARIABLES.get(sub) or \
                    "PRESSDOCS_" + re.sub(r"[^A-Za-z0-9]+", "_", sub).upper().strip("_")
                _warn(Message.of("config.literal_secret", key=sub, name=k, env=variable), lang)
                result[k] = Secret(value=v)
            elif isinstance(v, str) and url_password(v):
                remember(url_password(v))
                _warn(Message.of("config.url_secret", key=sub, url=scrub(v)), lang)
                result[k] = v
            else:
                result[k] = _secrets(v, sub, lang)
        return result
    if isinstance(value, list):
        return [_secrets(v, path, lang) for v in value]
    return value


def _warn(message: Message, lang: str) -> None:
    log.warning("%s", message.text(lang))


def _section(cls: type[Any], value: Any, name: str) -> Any:
    table = _table(value, name)
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, v in table.items():
        if key not in known:
            raise _unknown(key, name)
        default = getattr(cls(), key)
        _expect_type(f"{name}.{key}", v, type(default))
        if "range" in known[key].metadata:
            check_range(f"{name}.{key}", v, *known[key].metadata["range"])
        kwargs[key] = v
    return cls(**kwargs)


#: The numbers of ``[notify]`` pressdocs itself reads, with their allowed range.
NOTIFY_RANGES = {"remind_days": (0, 366)}
#: ``per_minute`` of any ``[notify.<channel>]``.
PER_MINUTE_RANGE = (1, 10_000)


def numeric_settings() -> dict[str, tuple[int, int]]:
    """Every numeric setting of the configuration file with its allowed range."""
    found = {f"{section}.{f.name}": f.metadata["range"]
             for section, cls in (("deadlines", Deadlines), ("materials", MaterialsRules),
                                  ("limits", Limits))
             for f in fields(cls) if "range" in f.metadata}
    found.update({f"notify.{k}": r for k, r in NOTIFY_RANGES.items()})
    found["notify.<channel>.per_minute"] = PER_MINUTE_RANGE
    return found


def _check_notify_numbers(table: dict[str, Any]) -> None:
    for key, (minimum, maximum) in NOTIFY_RANGES.items():
        if key in table:
            _expect_type(f"notify.{key}", table[key], int)
            check_range(f"notify.{key}", table[key], minimum, maximum)
    for channel, settings in table.items():
        if isinstance(settings, dict) and "per_minute" in settings:
            key = f"notify.{channel}.per_minute"
            _expect_type(key, settings["per_minute"], int)
            check_range(key, settings["per_minute"], *PER_MINUTE_RANGE)


def _rule(code: str, value: Any) -> RuleSetting:
    table = _table(value, f"rules.{code}")
    setting = RuleSetting()
    for key, v in table.items():
        if key == "enabled":
            _expect_type(f"rules.{code}.enabled", v, bool)
            setting.enabled = v
        elif key == "severity":
            try:
                setting.severity = Severity(v)
            except ValueError:
                raise ConfigError.of("config.bad_severity", code=code, value=v) from None
        else:
            raise _unknown(key, f"rules.{code}")
    return setting


def _unit(name: str, value: Any) -> Unit:
    table = _table(value, f"units.{name}")
    unit = Unit(name=name)
    for key, v in table.items():
        if key not in ("emails", "mobiles", "aliases", "contacts"):
            raise _unknown(key, f"units.{name}")
        _expect_type(f"units.{name}.{key}", v, list)
        if key == "contacts":
            unit.contacts = [_contact(f"units.{name}.contacts", c) for c in v]
        else:
            setattr(unit, key, [str(x) for x in v])
    return unit


def _contact(where: str, value: Any) -> Contact:
    table = _table(value, where)
    for key, v in table.items():
        if key not in ("name", "role", "email", "mobile"):
            raise _unknown(key, where)
        _expect_type(f"{where}.{key}", v, str)
    return Contact(**{k: str(v) for k, v in table.items()})


def _table(value: Any, name: str) -> dict[str, Any]:
    _expect_type(name, value, dict)
    assert isinstance(value, dict)
    return value


_TYPE_KEYS = {str: "config.type_str", int: "config.type_int", bool: "config.type_bool",
              list: "config.type_list", dict: "config.type_dict"}


def _expect_type(name: str, value: Any, tp: type) -> None:
    ok = isinstance(value, tp) and not (tp is int and isinstance(value, bool))
    if not ok:
        expected = Message.of(_TYPE_KEYS[tp]) if tp in _TYPE_KEYS else \
            Message.literal(tp.__name__)
        raise ConfigError.of("config.wrong_type", key=name, expected=expected, value=value)


def _unknown(key: str, section: str) -> ConfigError:
    where = f"{section}.{key}" if section else key
    return ConfigError.of("config.unknown_key", key=where)
