"""The entry point: :class:`Pressdocs`, one office's configuration, plugins and store.

Everything pressdocs does is a method here, returning typed results (dataclasses with
``to_dict()``, enums); the command line is a thin layer over these methods::

    from pressdocs import Pressdocs

    with Pressdocs(store="pressdocs-data") as pd:
        pd.import_plan("计划安排.docx")                    # 附件1 into the store
        report = pd.batch("mail/")                         # take in a folder of .eml files
        for outcome in report.outcomes:
            print(outcome.submission.subject, outcome.status.label("zh"))
        print(pd.check("材料/").findings)                   # check files, write nothing
        print(pd.plan_status(as_of=date(2021, 6, 30)).by_unit())

Nothing is built until asked for, so creating one is cheap; each run (each CLI call,
each test) makes its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Iterable
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pressdocs._plugins import Plugins, load_plugins
from pressdocs.config import Config, check_config, load_config
from pressdocs.errors import ConfigError

if TYPE_CHECKING:
    from pressdocs._accounts import Account, Role
    from pressdocs._dashboard import Dashboard
    from pressdocs._intake import BatchReport, Progress
    from pressdocs._notify import Notifier, NotifyReport
    from pressdocs._plan_import import PlanImport
    from pressdocs._reading import ReadResult
    from pressdocs._record import ConferenceRecord
    from pressdocs._register import SubmissionsRegister
    from pressdocs._reports import AnnualReport, PlanStatusReport
    from pressdocs._review import Review
    from pressdocs._statistics_table import StatisticsTable
    from pressdocs._submissions import SubmissionDetail, SubmissionList
    from pressdocs._watch import StopFlag, WatchEvent
    from pressdocs.capabilities import Capability, Context, Delivery
    from pressdocs.events import Event
    from pressdocs.models import (
        Message,
        Notice,
        Plan,
        PlanItem,
        Registration,
        StatisticsReport,
        Submission,
        SubmissionStatus,
    )
    from pressdocs.rules import RuleInfo
    from pressdocs.rules.plan_status import PlanItemStatus
    from pressdocs.store import AuditEntry, NoticeRecord, Store
    from pressdocs.store.dump import DumpSummary

__all__ = ["DEFAULT_STORE", "Pressdocs", "resolve_lang"]

DEFAULT_STORE = "pressdocs-data"
log = logging.getLogger("pressdocs")


def resolve_lang(explicit: str | None = None, config: Config | None = None) -> str:
    """The output language: explicit, else ``PRESSDOCS_LANG``, else the config, else "zh"."""
    for candidate in (explicit, os.environ.get("PRESSDOCS_LANG"),
                      config.lang if config else None):
        if candidate:
            return "en" if candidate.lower().startswith("en") else "zh"
    return "zh"


class Pressdocs:
    """One office's pressdocs: its configuration, plugins and store, each built on first use.

    - ``config``: a :class:`Config`, or a path to a ``pressdocs.toml`` (default: found as
      :func:`pressdocs.config.find_config_file` says; without one, the notice's defaults);
    - ``store``: the store's directory (default: ``PRESSDOCS_HOME``, the config's
      ``store``, then ``./pressdocs-data``);
    - ``lang``: the language of the texts results render (``"zh"`` or ``"en"``);
    - ``plugins``: plugin objects (modules, classes or instances with ``@hookimpl``
      functions) to load besides the built-ins and the installed ones, or an already
      built :class:`Plugins`; ``load_entry_points=False`` leaves installed plugins out
      (a library that wants exactly the plugins it names);
    - ``plugins_dir``: a folder whose ``*.py`` files are loaded as plugins too, each named
      after its file (``pressdocs --plugins-dir``);
    - ``strict``: a plugin that fails to load is an error instead of a note.

    ``load_entry_points`` and ``plugins_dir`` apply when pressdocs builds the plugin
    manager, not to one given built.
    """

    def __init__(self, *, config: Config | str | Path | None = None,
                 store: str | Path | None = None, lang: str | None = None,
                 plugins: Plugins | Iterable[object] | None = None,
                 load_entry_points: bool = True, strict: bool = False,
                 plugins_dir: str | os.PathLike[str] | None = None,
                 office: str | None = None):
        self._config_arg = config
        self._office_arg = office
        self._store_arg = store
        self._lang_arg = lang
        self._extra = [] if plugins is None or isinstance(plugins, Plugins) else list(plugins)
        self._entry_points = load_entry_points
        self._plugins_dir = plugins_dir
        self._built_plugins = isinstance(plugins, Plugins)
        self.strict = strict
        if isinstance(plugins, Plugins):
            self.__dict__["plugins"] = plugins

    # --- what it is made of --------------------------------------------------------------

    @cached_property
    def config(self) -> Config:
        """The configuration, after every plugin's ``prepare_config``, checked against the
        loaded plugins (:func:`pressdocs.config.check_config`)."""
        arg = self._config_arg
        office = self._office_arg or os.environ.get("PRESSDOCS_OFFICE") or None
        config = arg if isinstance(arg, Config) else load_config(arg, office=office)
        self.plugins.hook.prepare_config(config=config)
        check_config(config, self.plugins)
        return config

    @cached_property
    def plugins(self) -> Plugins:
        """The plugin manager: built-ins, installed plugins (unless left out), and the
        plugin objects given."""
        return load_plugins(**self._plugin_recipe())

    def _plugin_recipe(self) -> dict[str, Any]:
        """The arguments of :func:`~pressdocs._plugins.load_plugins` that make
        :attr:`plugins`, for another process to make the same (``batch --workers``)."""
        if self._built_plugins:
            recipe = self.plugins.made_with
            if recipe is None:  # built by hand: it cannot be made again elsewhere
                raise ConfigError.of("intake.workers_plugin", plugin="Plugins")
            return dict(recipe)
        return {"strict": self.strict, "entry_points": self._entry_points,
                "plugins_dir": self._plugins_dir,
                "extra": [(getattr(p, "__name__", None) or type(p).__name__, p)
                          for p in self._extra]}

    @cached_property
    def lang(self) -> str:
        """The language texts are rendered in: "zh" (default) or "en"."""
        return resolve_lang(self._lang_arg, self.config)

    @property
    def store_given(self) -> str | Path | None:
        """The store as given to this object (``None``: from ``PRESSDOCS_HOME`` or the
        configuration): what another :class:`Pressdocs` on the same store is given."""
        return self._store_arg

    @property
    def store_location(self) -> str | Path:
        """Where the store is: a directory, or a PostgreSQL database's URL (a ``str``).

        ``--store``, ``PRESSDOCS_HOME``, the configuration's ``store``, ``./pressdocs-data``.
        One office of several (``--office``) keeps its own store: the one its
        ``[offices.NAME]`` table names, else the folder ``NAME`` inside that directory, or
        the schema ``office_NAME`` of that database (:attr:`store_schema`)."""
        from pressdocs.store.postgresql import is_postgresql

        config = self.config
        chosen = config.office_store if config.office_key and config.office_store else next(
            (str(c) for c in (self._store_arg, os.environ.get("PRESSDOCS_HOME"), config.store)
             if c), DEFAULT_STORE)
        if is_postgresql(chosen):
            return chosen
        if config.office_key and not config.office_store:
            return Path(chosen) / config.office_key
        return Path(chosen)

    @property
    def store_schema(self) -> str | None:
        """The PostgreSQL schema of one office of several sharing a database (see
        :attr:`store_location`), else ``None``."""
        config = self.config
        if config.office_key and not config.office_store and \
                not isinstance(self.store_location, Path):
            return f"office_{config.office_key}"
        return None

    @property
    def store_path(self) -> Path:
        """Where the store's files live (not created until the store is opened): the
        store directory, or a PostgreSQL store's folder of original files (``blobs``:
        ``PRESSDOCS_BLOBS``, the configuration's, ``./pressdocs-data``; one office's in
        its folder ``NAME`` unless its own table names one)."""
        location = self.store_location
        if isinstance(location, Path):
            return location
        config = self.config
        if config.office_key and config.office_blobs:
            return Path(config.office_blobs)
        folder = Path(os.environ.get("PRESSDOCS_BLOBS") or config.blobs or DEFAULT_STORE)
        return folder / config.office_key if config.office_key else folder

    @cached_property
    def store(self) -> Store:
        """The office's ledger, opened (and created or migrated) on first use."""
        from pressdocs._buckets import bucket_of
        from pressdocs.store import open_store

        return open_store(self.store_location, blobs=self.store_path, schema=self.store_schema,
                          remote=bucket_of(self))

    def existing_store(self) -> Store | None:
        """The store if one already exists at :attr:`store_path`, else ``None`` (nothing
        is created: checking files must not leave an empty store behind).  A PostgreSQL
        store exists with its database."""
        from pressdocs.errors import StoreError
        from pressdocs.store.sqlite import DATABASE_NAME

        if not isinstance(self.store_location, Path):
            return self.store
        path = self.store_path
        if path.exists() and not path.is_dir():
            raise StoreError.of("store.not_a_folder", store=str(path))
        if "store" in self.__dict__ or (path / DATABASE_NAME).exists():
            return self.store
        return None

    def export_store(self, path: str | os.PathLike[str]) -> DumpSummary:
        """Write a portable dump of the store (the ledger's rows and the original files,
        each with its sha256 in ``manifest.json``) into the folder ``path``, new or empty:
        a backup, and the way to move the office to another backend
        (:mod:`pressdocs.store.dump`).  Read in one snapshot, so a batch may run meanwhile.
        :class:`StoreError` when there is no store, or the folder holds files."""
        from pressdocs.errors import StoreError
        from pressdocs.store.dump import export_store

        store = self.existing_store()
        if store is None:
            raise StoreError.of("dump.no_store", store=str(self.store_location))
        return export_store(store, path)

    def import_store(self, path: str | os.PathLike[str]) -> DumpSummary:
        """Load the dump in the folder ``path`` (written by :meth:`export_store`, from
        either backend) into this store, which must be new and empty; every file of the
        dump is checked against its sha256 before anything is written, then every row is
        loaded in one transaction, ids kept.  :class:`StoreError` naming what is wrong
        (a damaged or incomplete dump, a store that holds data, another schema version)."""
        from pressdocs.store.dump import import_store

        return import_store(path, self.store)

    def close(self) -> None:
        """Close the store if it was opened."""
        store = self.__dict__.pop("store", None)
        if store is not None:
            store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def today(self) -> date:
        """Today in the office's time zone (not the server's: at 07:00 in Wuhu a server
        on UTC is still on yesterday)."""
        return datetime.now(self.config.tz).date()

    def context(self, capability: Capability | None = None, *,
                store: Store | None = None) -> Context:
        """What a capability is given when called: the configuration, the store, the
        language, and its plugin's own settings (``[plugins.NAME]``)."""
        from pressdocs.capabilities import Context

        plugin = self.plugins.registry.plugin_of(capability) if capability is not None else ""
        return Context(config=self.config, store=store, lang=self.lang,
                                 plugin=plugin)

    # --- reading and checking ------------------------------------------------------------

    def read(self, source: str | os.PathLike[str] | bytes, *, name: str = "") -> ReadResult:
        """What one file is and what it says: kind, confidence, the form read out of it.

        ``source`` is a path, or the file's bytes (then ``name`` is its name as sent).
        A file that cannot be read comes back with ``error`` set, never raised; a path
        that does not exist raises :class:`pressdocs.ParseError`.
        """
        from pressdocs._reading import read_document, read_path

        if isinstance(source, bytes):
            data, name = source, name or "未命名文件"
        else:
            path = Path(source)
            data, name = read_path(path), name or path.name
        return read_document(data, name, plugins=self.plugins, config=self.config)

    def check(self, path: str | os.PathLike[str]) -> Submission:
        """Check a file, a folder (one submission of all its files) or a saved .eml message
        against the notice, exactly as the batch would, writing nothing.  Announces
        :class:`~pressdocs.events.SubmissionChecked`."""
        from pressdocs._checking import check_path
        from pressdocs.events import SubmissionChecked

        submission = check_path(self, Path(path))
        self.emit(SubmissionChecked(submission=submission))
        return submission

    # --- the mailbox -------------------------------------------------------------------

    def batch(self, location: str | None = None, *, dry_run: bool = False,
              since: date | None = None, limit: int | None = None,
              progress: Progress | None = None, receipts: bool | None = None,
              workers: int = 1) -> BatchReport:
        """Take in every new message of ``location`` (``imaps://…``, a Maildir, an mbox,
        an .eml file or folder; default: the ``[mail] imap`` of the configuration), each
        exactly once; see :mod:`pressdocs._intake`.  ``receipts`` (default: ``[notify]
        receipts`` of the configuration) queues a receipt for each new submission.
        ``workers`` above 1 reads messages in that many processes at once (more cores;
        the same results in the same order, see :mod:`pressdocs._readers`)."""
        from pressdocs._intake import run_batch

        if receipts is None:
            receipts = bool(self.config.notify.get("receipts", False))
        return run_batch(self, location, dry_run=dry_run, since=since, limit=limit,
                         progress=progress, receipts=receipts, workers=workers)

    def watch(self, location: str | None = None, *, receipts: bool | None = None,
              idle_timeout: float = 25 * 60, poll: float = 60, health: float = 10 * 60,
              stop: StopFlag | None = None,
              progress: Progress | None = None) -> Generator[WatchEvent, None, None]:
        """Watch a mailbox (default: ``[mail] imap``), taking in what is there and then
        each new message as it arrives — IMAP IDLE, renewed every ``idle_timeout`` seconds,
        or a look every ``poll`` seconds where IDLE is not offered — through :meth:`batch`
        itself; reconnecting after 1, 2, 4 … seconds when the connection fails.  Yields a
        :class:`WatchEvent` for each thing done (a health one every ``health`` seconds)
        until ``stop`` (a :class:`threading.Event`) is set; see :mod:`pressdocs._watch`."""
        from pressdocs._watch import watch

        if receipts is None:
            receipts = bool(self.config.notify.get("receipts", False))
        return watch(self, location, receipts=receipts, idle_timeout=idle_timeout, poll=poll,
                     health=health, stop=stop, progress=progress)

    def reprocess(self, *, status: SubmissionStatus | str | None = None,
                  since: date | None = None, ids: Iterable[str] = (),
                  codes: Iterable[str] = (),
                  progress: Progress | None = None) -> BatchReport:
        """Run stored messages through the pipeline again from their archived originals
        (after a plugin, configuration or plan change); the earlier result stays in the
        submission's history."""
        from pressdocs._intake import reprocess

        return reprocess(self, status=status, since=since, ids=ids, codes=codes,
                         progress=progress)

    # --- the annual plan and the reports --------------------------------------------------

    def import_plan(self, path: str | os.PathLike[str], *, year: int | None = None) -> PlanImport:
        """Read the annual plan (附件1) from any file and save it, replacing that year's;
        the result holds its warnings and spam findings (PD501)."""
        from pressdocs._plan_import import read_plan
        from pressdocs.events import PlanImported

        found = read_plan(self, Path(path), year=year)
        self.store.save_plan(found.plan)
        self.emit(PlanImported(plan=found.plan))
        return found

    def plan(self, year: int | None = None) -> Plan:
        """The plan of ``year`` (default: the latest imported)."""
        from pressdocs._reports import plan_for

        return plan_for(self.store, year)

    def mark_plan_item(self, number: int, state: str, *, held_on: date | str | None = None,
                       month: str | tuple[int, int] | None = None, reason: str = "",
                       year: int | None = None, by: str | None = None) -> PlanItemStatus:
        """Put the office's mark on item ``number`` of ``year``'s plan (default: the
        latest): ``held`` on ``held_on`` (default today, never a day to come), ``delayed``
        to ``month`` (``"2021-05"``, ``"5"`` or ``(2021, 5)``: its deadline becomes the
        end of that month), ``cancelled`` with a ``reason``; ``planned`` takes the mark
        off.  One audit entry by ``by`` (default: the operating system's user).  Returns
        the item's status today; its ``warning`` says when a move goes beyond the
        notice's 延期一般不超过1个月.  See :mod:`pressdocs._plan_marks`."""
        from pressdocs._plan_marks import mark_plan_item

        return mark_plan_item(self, number, state, held_on=held_on, month=month,
                              reason=reason, year=year, by=by)

    def cancel_plan_item(self, number: int, *, reason: str, year: int | None = None,
                         by: str | None = None) -> PlanItem:
        """Record that the office cancelled item ``number`` of ``year``'s plan (default:
        the latest) and why: it is then neither due nor overdue (no PD303, no reminder)
        unless a conference is held for it after all.  Returns the item
        (:meth:`mark_plan_item` with ``cancelled``)."""
        return self.mark_plan_item(number, "cancelled", reason=reason, year=year, by=by).item

    def restore_plan_item(self, number: int, *, year: int | None = None,
                          by: str | None = None) -> bool:
        """Undo :meth:`cancel_plan_item`; whether the item had been cancelled."""
        plan = self.plan(year)
        mark = self.store.plan_marks(plan.year).get(number)
        if mark is None or mark.state != "cancelled":
            return False
        self.mark_plan_item(number, "planned", year=plan.year, by=by)
        return True

    # --- review ----------------------------------------------------------------------------

    def review(self, submission_id: str) -> Review:
        """A submission (its id or the first characters of it) at the review desk: its
        review state, the decision standing, waived findings, its audit trail."""
        from pressdocs._review import review_of

        return review_of(self, submission_id)

    def approve(self, submission_id: str, *, opinion: str | None = None,
                by: str | None = None) -> Review:
        """Approve a submission, recording the 审批意见 (default 同意) and today's date;
        :class:`StoreError` while an error stands unfixed and unwaived.  ``by``: the
        account deciding (default: the operating system's user)."""
        from pressdocs._review import approve

        return approve(self, submission_id, opinion=opinion, by=by)

    def return_submission(self, submission_id: str, *, reasons: Iterable[str],
                          keep_findings: bool | Iterable[str] = True,
                          by: str | None = None) -> Review:
        """Return a submission with ``reasons`` (at least one), queueing a correction
        request (请补正) that carries them and the findings kept (every one not waived,
        none, or the codes given)."""
        from pressdocs._review import return_submission

        return return_submission(self, submission_id, reasons=reasons,
                                 keep_findings=keep_findings, by=by)

    def waive(self, submission_id: str, code: str, *, note: str,
              by: str | None = None) -> Review:
        """Waive finding ``code`` for this submission only (the notice's limits hold 原则上),
        with a note; the finding stays, marked waived, in the audit trail and reports."""
        from pressdocs._review import waive

        return waive(self, submission_id, code, note=note, by=by)

    def audit(self, since: datetime | None = None, *,
              subject: str | None = None) -> list[AuditEntry]:
        """The audit trail (审计记录), oldest first: every decision from ``since``
        (timezone-aware), about ``subject`` (a submission id, ``plan:2021:3``), each
        entry's time in the office's zone."""
        from dataclasses import replace

        from pressdocs.text.dates import office_time

        return [replace(e, at=office_time(e.at, self.config.tz))
                for e in self.store.audit(since=since, subject=subject)]

    # --- staff accounts ---------------------------------------------------------------------

    def add_user(self, name: str, password: str, *, role: Role | str = "reviewer",
                 by: str | None = None) -> Account:
        """Add a staff account (``role``: ``reviewer`` 审核员 or ``viewer`` 查看者) with
        ``password`` (at least 8 characters; only its scrypt hash is kept).
        :class:`StoreError` when the name is taken (case ignored) or unusable."""
        from pressdocs._accounts import add_user

        return add_user(self, name, password, role=role, by=by)

    def users(self) -> list[Account]:
        """Every staff account, by name (without password hashes)."""
        from pressdocs._accounts import users

        return users(self)

    def user(self, name: str) -> Account | None:
        """The staff account called ``name`` (case ignored), or ``None``."""
        from pressdocs._accounts import user

        return user(self, name)

    def set_password(self, name: str, password: str, *, by: str | None = None) -> Account:
        """Give account ``name`` a new password; :class:`StoreError` if there is no such
        account or the password is too short."""
        from pressdocs._accounts import set_password

        return set_password(self, name, password, by=by)

    def disable_user(self, name: str, *, by: str | None = None) -> Account:
        """Disable account ``name`` (停用): it can no longer sign in; its decisions stay."""
        from pressdocs._accounts import disable_user

        return disable_user(self, name, by=by)

    def enable_user(self, name: str, *, by: str | None = None) -> Account:
        """Enable a disabled account again."""
        from pressdocs._accounts import enable_user

        return enable_user(self, name, by=by)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password and it is not disabled, else
        ``None`` (the same answer, in the same time, for a name that does not exist)."""
        from pressdocs._accounts import authenticate

        return authenticate(self.store, name, password)

    def plan_status(self, *, as_of: date | None = None,
                    year: int | None = None) -> PlanStatusReport:
        """Where each item of the plan stands on ``as_of`` (default today), judged from
        what had been received by then; with the submissions behind each item, which the
        exports show (registered on, findings)."""
        from pressdocs._reports import plan_report

        return plan_report(self.store, self.config, as_of=as_of or self.today(), year=year,
                           details=True)

    def annual(self, year: int, *, as_of: date | None = None) -> AnnualReport:
        """The annual check of ``year`` on ``as_of`` (default today): heads who attended no
        conference (PD404), planned conferences never registered (PD303) or delayed."""
        from pressdocs._reports import annual_report

        return annual_report(self.store, self.config, year, as_of=as_of or self.today())

    def rules(self) -> list[RuleInfo]:
        """The rule catalogue: every rule registered, with the user's settings applied and
        the plugin that registered it."""
        from pressdocs.capabilities import Validator
        from pressdocs.rules import rules_catalogue

        registry = self.plugins.registry
        return rules_catalogue(registry.of(Validator), self.config, registry.plugin_of)

    def write_form(self, form: str, path: str | os.PathLike[str], *, year: int | None = None,
                   data: Registration | StatisticsReport | Plan | None = None) -> Path:
        """One of the notice's forms as the office sends it out: ``"registration"``
        (附件2), ``"statistics"`` (附件3) or ``"plan"`` (附件1); .docx, or .xlsx for the
        tables.  Blank for units to fill, or filled in from ``data`` (a
        :class:`Registration`, :class:`StatisticsReport` or :class:`Plan`) the way people
        fill it in."""
        from pressdocs.forms import write_plan_form, write_registration_form, write_statistics_form
        from pressdocs.models import Plan, Registration, StatisticsReport

        target = Path(path)
        if form == "registration" and isinstance(data, Registration | None):
            return write_registration_form(target, data, config=self.config)
        if form == "statistics" and isinstance(data, StatisticsReport | None):
            return write_statistics_form(target, data, year=year, config=self.config)
        if form == "plan" and isinstance(data, Plan | None):
            return write_plan_form(target, data, year=year, config=self.config)
        from pressdocs.errors import ExportError

        raise ExportError.of("app.unknown_form", form=form)

    # --- exporters, channels, events ---------------------------------------------------

    def export(self, subject: Any, path: str | os.PathLike[str], *,
               exporter: str | None = None) -> Path:
        """Write ``subject`` (a report: :class:`pressdocs.PlanStatusReport`, …) to ``path``
        with the exporter named, or the first that takes the subject's class and the
        file's format (its suffix)."""
        from pressdocs.capabilities import Exporter
        from pressdocs.errors import ExportError

        target = Path(path)
        fmt = target.suffix.lstrip(".").lower()
        for candidate in self.plugins.registry.of(Exporter):
            if (exporter is None or candidate.name == exporter) and \
                    isinstance(subject, candidate.subjects) and \
                    (exporter is not None or fmt in candidate.formats):
                return candidate.export(subject, target, self.context(candidate))
        raise ExportError.of("app.no_exporter", subject=type(subject).__name__, format=fmt)

    # --- reports to export ---------------------------------------------------------------

    def statistics_table(self, period: str | None = None, *, unit: str | None = None,
                         as_of: date | None = None) -> StatisticsTable:
        """附件3 of a half-year (``"2021H1"``, ``"2021H2"``; default the half-year of
        ``as_of``), a sheet per unit (or only ``unit``): the statistics tables units sent
        merged with the conferences held by their registrations (and materials), as known
        on ``as_of`` (default today), differences flagged (:mod:`pressdocs._statistics_table`)."""
        from pressdocs._statistics_table import current_period, statistics_table

        day = as_of or self.today()
        return statistics_table(self.store, self.config, period or current_period(day, self.config),
                                unit=unit, as_of=day)

    def submissions_register(self, *, year: int | None = None,
                             unit: str | None = None) -> SubmissionsRegister:
        """The submissions register (收件登记簿): every stored submission received in
        ``year`` (all when ``None``), of ``unit`` (all when ``None``), in the order received:
        when, from whom, unit, status, plan item, documents, findings."""
        from pressdocs._register import submissions_register

        return submissions_register(self.store, self.config, year=year, unit=unit)


    def submissions(self, *, status: SubmissionStatus | str | None = None,
                    unit: str | None = None, month: tuple[int, int] | None = None,
                    limit: int | None = None, offset: int = 0) -> SubmissionList:
        """A page of the stored submissions (收件箱), the newest received first: ``total``
        that match, and the ``limit`` of them (all when ``None``) after the first
        ``offset``.  Of ``status``, of ``unit`` (as the unit directory tells units
        apart), matched to a plan item of ``month`` (``(year, month)``).  Asked of the
        store's indexes: only the page's submissions are read."""
        from pressdocs._submissions import submission_list

        return submission_list(self.store, self.config, status=status, unit=unit, month=month,
                               limit=limit, offset=offset)

    def submission_detail(self, submission_id: str) -> SubmissionDetail:
        """Everything known of one submission (its id or the first characters of it): the
        mail and its ledger record, the documents and where each came from, the forms read,
        字数 of the release and the answers, the findings with their clauses, the plan
        item, earlier results and later corrections."""
        from pressdocs._submissions import submission_detail

        return submission_detail(self.store, self.submission(submission_id), self.config.tz)

    def conference_record(self, *, submission_id: str | None = None,
                          plan_item: int | None = None,
                          year: int | None = None) -> ConferenceRecord:
        """The 新闻发布会实录 of one conference: of the conference a submission tells of
        (its id or the first characters of it; a materials package: the registration it
        belongs to), or of the one registered for ``plan_item`` of ``year``'s plan
        (default: the latest).  Its registration form and every materials package that
        belongs to it, wherever they came in."""
        from pressdocs._record import build_record

        found = self.submission(submission_id) if submission_id is not None else None
        return build_record(self.store, self.config, submission=found, plan_item=plan_item,
                            year=year)

    def dashboard(self, *, year: int | None = None, as_of: date | None = None) -> Dashboard:
        """The office dashboard of ``year`` (default: the latest plan's) on ``as_of``
        (default today): the plan by month and unit, submissions waiting for correction,
        findings by rule, statistics tables received per half-year."""
        from pressdocs._dashboard import build_dashboard

        return build_dashboard(self, year=year, as_of=as_of)

    # --- notices ---------------------------------------------------------------------------

    @cached_property
    def notifier(self) -> Notifier:
        """Builds, queues and sends notices (:mod:`pressdocs._notify`)."""
        from pressdocs._notify import Notifier

        return Notifier(self)

    def queue_receipts(self, submissions: Iterable[Submission] | BatchReport) -> NotifyReport:
        """Queue a receipt (回执) for each submission (those a batch took in, when given a
        :class:`BatchReport`); nothing is sent until :meth:`notify`."""
        from pressdocs._intake import BatchReport

        if isinstance(submissions, BatchReport):
            submissions = [o.submission for o in submissions.outcomes if o.new]
        return self.notifier.queue(self.notifier.receipts(submissions))

    def submission(self, submission_id: str) -> Submission:
        """The stored submission with this id, or the one whose id starts with these
        characters; :class:`StoreError` when there is none, or more than one."""
        from pressdocs.errors import StoreError

        wanted = submission_id.strip().lower()
        found = self.store.get_submission(wanted) if len(wanted) == 64 else None
        if found is None and wanted:
            ids = self.store.submission_ids(wanted)  # by the primary key: no other is read
            if len(ids) > 1:
                count = len(self.store.submission_ids(wanted, limit=1_000_000))
                raise StoreError.of("store.ambiguous_submission", submission=submission_id,
                                    count=count)
            found = self.store.get_submission(ids[0]) if ids else None
        if found is None:
            raise StoreError.of("store.no_submission", submission=submission_id)
        return found

    def queue_correction(self, submission_id: str, *, dry_run: bool = False) -> NotifyReport:
        """Queue a correction request (请补正) for a submission with errors (its id or the
        first characters of it); none for a submission without errors.  A dry run says
        what would be queued and stores nothing."""
        found = self.submission(submission_id)
        notices = self.notifier.correction(found)
        return self.notifier.preview(notices) if dry_run else self.notifier.queue(notices)

    def remind(self, *, as_of: date | None = None, digest: bool = False,
               since: datetime | None = None, dry_run: bool = False) -> NotifyReport:
        """Queue the reminders due on ``as_of`` (default today): planned conferences to
        register, materials due, statistics due, conferences overdue or delayed; with
        ``digest``, the office's digest too (of what arrived from ``since``, default the
        day after the last digest).  A dry run says what would be queued, storing nothing."""
        day = as_of or self.today()
        notices = self.notifier.reminders(day)
        if digest:
            notices += self.notifier.digest(since, day)
        return self.notifier.preview(notices) if dry_run else self.notifier.queue(notices)

    def notify(self, *, dry_run: bool = False, channel: str | None = None) -> NotifyReport:
        """Send the notices pending (and those due again after a failure), each once; a
        dry run lists them and sends nothing.  ``channel``: only that channel's
        (:class:`ChannelError` when no channel has that name)."""
        from pressdocs.capabilities import Channel
        from pressdocs.errors import ChannelError

        if channel is not None and self.plugins.registry.get(Channel, channel) is None:
            raise ChannelError.of("app.no_channel", channel=channel)
        return self.notifier.send_pending(dry_run=dry_run, channel=channel)

    def notices(self, *, status: str | None = None, unit: str | None = None) -> list[NoticeRecord]:
        """The outbox: every notice stored, with how far its delivery got (its time in the
        office's zone)."""
        from dataclasses import replace

        from pressdocs.text.dates import office_time

        return [replace(r, updated=office_time(r.updated, self.config.tz))
                for r in self.store.notice_records(status, unit=unit)]

    def send(self, notice: Notice) -> Delivery:
        """Store ``notice`` and send it at once through its channel, once: a notice whose
        key was sent before (or whose sending was interrupted, its fate unknown) is
        ``skipped``; one that failed is tried again.  Announces
        :class:`~pressdocs.events.NoticeSent`."""
        return self.notifier.send_now(notice)

    def emit(self, event: Event) -> list[Message]:
        """Deliver ``event`` to every ``handle_event`` listener.  A listener that raises
        does not stop the others; each failure is logged and returned."""
        from pressdocs.models import Message

        failures = []
        for impl in self.plugins.pm.hook.handle_event.get_hookimpls():
            try:
                impl.function(event=event)
            except Exception as exc:  # a listener must never stop a batch
                failure = Message.of("plugin.listener_failed", plugin=impl.plugin_name,
                                     event=event.name, error=str(exc) or type(exc).__name__)
                log.warning(failure.text(self.lang))
                failures.append(failure)
        return failures
