"""pressdocs: press-conference paperwork for a city press office (市新闻办).

Takes in the office mailbox, reads registration forms (登记表), materials packages and
statistics tables (统计表), checks them against the city's notice, notifies units and
writes reports.

The public surface is what ``pressdocs.__all__`` names, re-exported here: the entry point
:class:`Pressdocs`, the results its methods return, the domain model, the capabilities
plugins subclass, the events, the exceptions.  Every other module is private and may
change without notice.  The result types of the heavier parts (:class:`BatchReport`,
:class:`ReadResult`, …) are imported when first named, so ``import pressdocs`` stays light.
"""

from typing import TYPE_CHECKING, Any

from pressdocs._version import __version__
from pressdocs.app import Pressdocs
from pressdocs.capabilities import (
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
    Deadlines,
    MaterialsRules,
    RuleSetting,
    Secret,
    Unit,
    load_config,
)
from pressdocs.errors import (
    ArchiveRejected,
    ChannelError,
    ConfigError,
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
from pressdocs.plugins import PluginInfo, Plugins, load_plugins

if TYPE_CHECKING:
    from pressdocs.intake import BatchReport, MessageOutcome
    from pressdocs.plan_import import PlanImport
    from pressdocs.reading import ReadResult
    from pressdocs.reports import AnnualReport, PlanStatusReport
    from pressdocs.rules import RuleInfo
    from pressdocs.rules.plan_status import PlanItemStatus, PlanState

#: Result types imported on first use (their modules pull in the document readers).
_LAZY = {
    "AnnualReport": "pressdocs.reports",
    "BatchReport": "pressdocs.intake",
    "MessageOutcome": "pressdocs.intake",
    "PlanImport": "pressdocs.plan_import",
    "PlanItemStatus": "pressdocs.rules.plan_status",
    "PlanState": "pressdocs.rules.plan_status",
    "PlanStatusReport": "pressdocs.reports",
    "ReadResult": "pressdocs.reading",
    "RuleInfo": "pressdocs.rules",
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
    "AnnualReport",
    "ArchiveRejected",
    "BatchFinished",
    "BatchReport",
    "Capability",
    "Channel",
    "ChannelError",
    "Classification",
    "Classifier",
    "Conference",
    "Config",
    "ConfigError",
    "Content",
    "Context",
    "Deadlines",
    "Delivery",
    "Document",
    "DocumentKind",
    "Event",
    "ExportError",
    "Exporter",
    "Finding",
    "FindingRaised",
    "Labelled",
    "LinkedFile",
    "Location",
    "MailSource",
    "MaterialsPackage",
    "MaterialsRules",
    "Message",
    "MessageOutcome",
    "Model",
    "Notice",
    "NoticeSent",
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
    "Registration",
    "RuleInfo",
    "RuleSetting",
    "SchemaError",
    "Secret",
    "Severity",
    "SourceError",
    "Speaker",
    "StatisticsReport",
    "StatisticsRow",
    "StoreError",
    "StoreLocked",
    "Submission",
    "SubmissionChecked",
    "SubmissionKind",
    "SubmissionProcessed",
    "SubmissionStatus",
    "Unit",
    "UnsupportedFormat",
    "Validator",
    "__version__",
    "hookimpl",
    "load_config",
    "load_plugins",
]
