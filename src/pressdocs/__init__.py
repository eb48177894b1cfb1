"""pressdocs: press-conference paperwork for a city press office (市新闻办).

Takes in the office mailbox, reads registration forms (登记表), materials packages and
statistics tables (统计表), checks them against the city's notice, notifies units and
writes reports.

The public surface is what ``pressdocs.__all__`` names, re-exported here: the entry point
:class:`Pressdocs`, the results its methods return, the domain model, the capabilities
plugins subclass, the events, the exceptions.  They also live in the public modules
``models``, ``capabilities``, ``events``, ``errors``, ``config`` and ``hookspecs``, and
the pure text functions in ``pressdocs.text``; the review desk (``pressdocs serve``) is
the package ``pressdocs.web``, whose ``create_app``, ``Desk`` and
``security.desk_of``/``Refused`` plugins adding pages use.  The modules behind the API start with an
underscore (``_app``, ``_pipeline``, ``_intake`` …) and, with the packages ``builtin``,
``extract``, ``forms``, ``mail``, ``ocr``, ``rules`` and ``store``, are private: they may change
without notice.  The result types of the heavier parts (:class:`BatchReport`,
:class:`ReadResult`, …) are imported when first named, so ``import pressdocs`` stays light.
"""

from typing import TYPE_CHECKING, Any

from pressdocs._version import __version__

if TYPE_CHECKING:
    from pressdocs._accounts import Account, Role
    from pressdocs._app import Pressdocs
    from pressdocs._dashboard import Dashboard
    from pressdocs._demo import DemoReport, run_demo
    from pressdocs._intake import BatchReport, MessageOutcome
    from pressdocs._notify import NoticeOutcome, NotifyReport
    from pressdocs._plan_import import PlanImport
    from pressdocs._plugin_template import write_plugin_template
    from pressdocs._plugins import PluginInfo, Plugins, load_plugins
    from pressdocs._reading import ReadResult
    from pressdocs._record import ConferenceRecord
    from pressdocs._register import RegisterEntry, SubmissionsRegister
    from pressdocs._reports import AnnualReport, PlanStatusReport
    from pressdocs._review import Review, ReviewState
    from pressdocs._statistics_table import (
        StatisticsLine,
        StatisticsSource,
        StatisticsTable,
        UnitStatistics,
    )
    from pressdocs._submissions import SubmissionDetail, SubmissionList
    from pressdocs._watch import WatchEvent, WatchHealth
    from pressdocs.capabilities import (
        BlobBucket,
        Capability,
        Channel,
        Classification,
        Classifier,
        Content,
        Context,
        Delivery,
        Exporter,
        MailSource,
        Parser,
        RawMessage,
        Validator,
    )
    from pressdocs.config import (
        Config,
        Contact,
        Deadlines,
        Limits,
        MaterialsRules,
        RuleSetting,
        Secret,
        Unit,
        load_config,
    )
    from pressdocs.errors import (
        ArchiveRejected,
        ChannelError,
        ClaimLost,
        ConfigError,
        ConnectionLost,
        ExportError,
        ParseError,
        PluginError,
        PressdocsError,
        SchemaError,
        SourceError,
        StoreError,
        StoreLocked,
        UnsupportedFormat,
    )
    from pressdocs.events import (
        BatchFinished,
        Event,
        FindingRaised,
        NoticeSent,
        PlanImported,
        SubmissionChecked,
        SubmissionProcessed,
    )
    from pressdocs.forms.spec import FIELD_IDS, field_label, location_label
    from pressdocs.hookspecs import hookimpl
    from pressdocs.models import (
        Conference,
        Document,
        DocumentKind,
        Finding,
        Labelled,
        LinkedFile,
        Location,
        MaterialsPackage,
        Message,
        Model,
        Notice,
        Person,
        Plan,
        PlanItem,
        PressRelease,
        QAPair,
        Registration,
        Severity,
        Speaker,
        StatisticsReport,
        StatisticsRow,
        Submission,
        SubmissionKind,
        SubmissionStatus,
    )
    from pressdocs.rules import RuleInfo
    from pressdocs.rules.plan_status import PlanItemStatus, PlanState
    from pressdocs.store.dump import DumpSummary

#: Names imported on first use (their modules pull in the document readers).
_LAZY = {
    # the core: imported when first named too, so that `pressdocs --version` and
    # `--help` read no more than they print
    "Pressdocs": "pressdocs._app",
    "PluginInfo": "pressdocs._plugins",
    "Plugins": "pressdocs._plugins",
    "load_plugins": "pressdocs._plugins",
    "write_plugin_template": "pressdocs._plugin_template",
    "Capability": "pressdocs.capabilities",
    "Channel": "pressdocs.capabilities",
    "Classification": "pressdocs.capabilities",
    "Classifier": "pressdocs.capabilities",
    "Content": "pressdocs.capabilities",
    "Context": "pressdocs.capabilities",
    "Delivery": "pressdocs.capabilities",
    "Exporter": "pressdocs.capabilities",
    "BlobBucket": "pressdocs.capabilities",
    "MailSource": "pressdocs.capabilities",
    "Parser": "pressdocs.capabilities",
    "RawMessage": "pressdocs.capabilities",
    "Validator": "pressdocs.capabilities",
    "Config": "pressdocs.config",
    "Contact": "pressdocs.config",
    "Deadlines": "pressdocs.config",
    "Limits": "pressdocs.config",
    "MaterialsRules": "pressdocs.config",
    "RuleSetting": "pressdocs.config",
    "Secret": "pressdocs.config",
    "Unit": "pressdocs.config",
    "load_config": "pressdocs.config",
    "ArchiveRejected": "pressdocs.errors",
    "ChannelError": "pressdocs.errors",
    "ClaimLost": "pressdocs.errors",
    "ConfigError": "pressdocs.errors",
    "ConnectionLost": "pressdocs.errors",
    "ExportError": "pressdocs.errors",
    "ParseError": "pressdocs.errors",
    "PluginError": "pressdocs.errors",
    "PressdocsError": "pressdocs.errors",
    "SchemaError": "pressdocs.errors",
    "SourceError": "pressdocs.errors",
    "StoreError": "pressdocs.errors",
    "StoreLocked": "pressdocs.errors",
    "UnsupportedFormat": "pressdocs.errors",
    "BatchFinished": "pressdocs.events",
    "Event": "pressdocs.events",
    "FindingRaised": "pressdocs.events",
    "NoticeSent": "pressdocs.events",
    "PlanImported": "pressdocs.events",
    "SubmissionChecked": "pressdocs.events",
    "SubmissionProcessed": "pressdocs.events",
    "hookimpl": "pressdocs.hookspecs",
    "Conference": "pressdocs.models",
    "Document": "pressdocs.models",
    "DocumentKind": "pressdocs.models",
    "Finding": "pressdocs.models",
    "Labelled": "pressdocs.models",
    "LinkedFile": "pressdocs.models",
    "Location": "pressdocs.models",
    "MaterialsPackage": "pressdocs.models",
    "Message": "pressdocs.models",
    "Model": "pressdocs.models",
    "Notice": "pressdocs.models",
    "Person": "pressdocs.models",
    "Plan": "pressdocs.models",
    "PlanItem": "pressdocs.models",
    "PressRelease": "pressdocs.models",
    "QAPair": "pressdocs.models",
    "Registration": "pressdocs.models",
    "Severity": "pressdocs.models",
    "Speaker": "pressdocs.models",
    "StatisticsReport": "pressdocs.models",
    "StatisticsRow": "pressdocs.models",
    "Submission": "pressdocs.models",
    "SubmissionKind": "pressdocs.models",
    "SubmissionStatus": "pressdocs.models",
    "Account": "pressdocs._accounts",
    "AnnualReport": "pressdocs._reports",
    "BatchReport": "pressdocs._intake",
    "ConferenceRecord": "pressdocs._record",
    "Dashboard": "pressdocs._dashboard",
    "DemoReport": "pressdocs._demo",
    "DumpSummary": "pressdocs.store.dump",
    "MessageOutcome": "pressdocs._intake",
    "NoticeOutcome": "pressdocs._notify",
    "NotifyReport": "pressdocs._notify",
    "PlanImport": "pressdocs._plan_import",
    "PlanItemStatus": "pressdocs.rules.plan_status",
    "PlanState": "pressdocs.rules.plan_status",
    "PlanStatusReport": "pressdocs._reports",
    "ReadResult": "pressdocs._reading",
    "Review": "pressdocs._review",
    "ReviewState": "pressdocs._review",
    "Role": "pressdocs._accounts",
    "RegisterEntry": "pressdocs._register",
    "StatisticsLine": "pressdocs._statistics_table",
    "StatisticsSource": "pressdocs._statistics_table",
    "StatisticsTable": "pressdocs._statistics_table",
    "SubmissionsRegister": "pressdocs._register",
    "SubmissionDetail": "pressdocs._submissions",
    "SubmissionList": "pressdocs._submissions",
    "UnitStatistics": "pressdocs._statistics_table",
    "WatchEvent": "pressdocs._watch",
    "WatchHealth": "pressdocs._watch",
    "RuleInfo": "pressdocs.rules",
    # the field ids findings point at, and their names for people
    "FIELD_IDS": "pressdocs.forms.spec",
    "field_label": "pressdocs.forms.spec",
    "location_label": "pressdocs.forms.spec",
    # the demo on the sample that ships with pressdocs (pressdocs demo)
    "run_demo": "pressdocs._demo",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pressdocs' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "FIELD_IDS",
    "Account",
    "AnnualReport",
    "ArchiveRejected",
    "BatchFinished",
    "BatchReport",
    "BlobBucket",
    "Capability",
    "Channel",
    "ChannelError",
    "ClaimLost",
    "Classification",
    "Classifier",
    "Conference",
    "ConferenceRecord",
    "Config",
    "ConfigError",
    "ConnectionLost",
    "Contact",
    "Content",
    "Context",
    "Dashboard",
    "Deadlines",
    "Delivery",
    "DemoReport",
    "Document",
    "DocumentKind",
    "DumpSummary",
    "Event",
    "ExportError",
    "Exporter",
    "Finding",
    "FindingRaised",
    "Labelled",
    "Limits",
    "LinkedFile",
    "Location",
    "MailSource",
    "MaterialsPackage",
    "MaterialsRules",
    "Message",
    "MessageOutcome",
    "Model",
    "Notice",
    "NoticeOutcome",
    "NoticeSent",
    "NotifyReport",
    "ParseError",
    "Parser",
    "Person",
    "Plan",
    "PlanImport",
    "PlanImported",
    "PlanItem",
    "PlanItemStatus",
    "PlanState",
    "PlanStatusReport",
    "PluginError",
    "PluginInfo",
    "Plugins",
    "PressRelease",
    "Pressdocs",
    "PressdocsError",
    "QAPair",
    "RawMessage",
    "ReadResult",
    "RegisterEntry",
    "Registration",
    "Review",
    "ReviewState",
    "Role",
    "RuleInfo",
    "RuleSetting",
    "SchemaError",
    "Secret",
    "Severity",
    "SourceError",
    "Speaker",
    "StatisticsLine",
    "StatisticsReport",
    "StatisticsRow",
    "StatisticsSource",
    "StatisticsTable",
    "StoreError",
    "StoreLocked",
    "Submission",
    "SubmissionChecked",
    "SubmissionDetail",
    "SubmissionKind",
    "SubmissionList",
    "SubmissionProcessed",
    "SubmissionStatus",
    "SubmissionsRegister",
    "Unit",
    "UnitStatistics",
    "UnsupportedFormat",
    "Validator",
    "WatchEvent",
    "WatchHealth",
    "__version__",
    "field_label",
    "hookimpl",
    "load_config",
    "load_plugins",
    "location_label",
    "run_demo",
    "write_plugin_template",
]
