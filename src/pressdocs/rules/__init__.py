"""The notice's rules as validators, with stable codes (PD101 …).

Each rule is a :class:`pressdocs.Validator` registered by the built-in plugin
:mod:`pressdocs.builtin.rules`; a user switches one off or changes its severity in the
configuration (``[rules.PD203] severity = "error"``), and a plugin adds more.  The
domain judgements behind them are pure functions, for the CLI's reports and for tests:

- :mod:`pressdocs.rules.deadlines` — due days, calendar or working days (调休-aware);
- :mod:`pressdocs.rules.plan_status` — where each plan item stands (PD302, PD303);
- :mod:`pressdocs.rules.reconcile` — registrations against statistics rows (PD403);
- :mod:`pressdocs.rules.heads` — did the department head attend (PD404);
- :mod:`pressdocs.rules.spam` — injected gambling spam (PD501).

============  =========================================================================
codes         rules
============  =========================================================================
PD101–PD106   the registration form (登记表): on time, complete, phone, approval, time
PD201–PD208   the materials package: on time, release and its 字数, Q&A, pictures, video
PD301–PD304   the annual plan: unplanned, delayed, overdue, ambiguous
PD401–PD405   the statistics table (统计表): on time, complete, reconciled, heads, contact
PD501         injected spam
PD901–PD908   files that could not be read, rejected packages, data out of shape,
              a malformed message, a file that is not what its name says, a file
              refused as unsafe, a file over its reading budget, a scan read by OCR
============  =========================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pressdocs.capabilities import Validator
from pressdocs.config import Config
from pressdocs.models import Message, Severity
from pressdocs.rules.documents import (
    DocumentOverBudget,
    ExtractedDataShape,
    MalformedMessage,
    MisnamedDocument,
    PackageRejected,
    ReadByOcr,
    UnreadableDocument,
    UnsafeDocument,
)
from pressdocs.rules.materials import (
    AnswerLength,
    DownloadLinks,
    MaterialsOnTime,
    Pictures,
    PressReleaseLength,
    PressReleasePresent,
    Questions,
    Videos,
)
from pressdocs.rules.plan import (
    AmbiguousPlanMatch,
    DelayedConference,
    OverduePlanItems,
    UnplannedConference,
)
from pressdocs.rules.registration import (
    ApprovalOpinion,
    CalendarCoverage,
    ConferenceTime,
    PhoneNumber,
    RegistrationOnTime,
    RequiredFields,
)
from pressdocs.rules.spam import SpamCheck
from pressdocs.rules.statistics import (
    FilerContact,
    HeadAttendance,
    RegisteredVersusReported,
    StatisticsOnTime,
    StatisticsRowsComplete,
)

__all__ = ["BUILTIN_RULES", "RuleInfo", "builtin_validators", "rules_catalogue"]

#: The built-in rules, in catalogue order.
BUILTIN_RULES: tuple[type[Validator], ...] = (
    RegistrationOnTime, RequiredFields, PhoneNumber, ApprovalOpinion, ConferenceTime,
    CalendarCoverage,
    MaterialsOnTime, PressReleasePresent, PressReleaseLength, Questions, AnswerLength,
    Pictures, Videos, DownloadLinks,
    UnplannedConference, DelayedConference, OverduePlanItems,
    AmbiguousPlanMatch,
    StatisticsOnTime, StatisticsRowsComplete, RegisteredVersusReported, HeadAttendance,
    FilerContact,
    SpamCheck,
    UnreadableDocument, PackageRejected, ExtractedDataShape, MalformedMessage,
    MisnamedDocument, UnsafeDocument, DocumentOverBudget, ReadByOcr,
)


def builtin_validators() -> list[Validator]:
    """A fresh instance of every built-in rule, in catalogue order."""
    return [rule() for rule in BUILTIN_RULES]


@dataclass(frozen=True)
class RuleInfo:
    """One rule of the catalogue (``pressdocs rules``): its code, its severity after the
    user's settings and its own, whether it is on, its title and the clause it enforces."""

    code: str
    severity: Severity
    default_severity: Severity
    enabled: bool
    title: Message
    clause: str
    plugin: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``pressdocs rules --json`` entry."""
        return {"code": self.code, "severity": self.severity.value,
                "default_severity": self.default_severity.value, "enabled": self.enabled,
                "title": self.title.to_dict(), "clause": self.clause, "plugin": self.plugin}


def rules_catalogue(validators: Iterable[Validator] | None = None,
                    config: Config | None = None,
                    plugin_of: Callable[[Validator], str] | None = None) -> list[RuleInfo]:
    """The catalogue for ``pressdocs rules``, sorted by code.

    ``validators`` defaults to the built-in rules (pass the registry's to include
    plugins'); with ``config`` each entry says whether the rule is ``enabled`` and its
    ``severity`` after the user's settings (``default_severity`` is the rule's own);
    ``plugin_of`` names the plugin that registered each.
    """
    found = builtin_validators() if validators is None else list(validators)
    catalogue = []
    for validator in sorted(found, key=lambda v: v.code):
        setting = config.rule(validator.code) if config is not None else None
        severity = setting.severity if setting and setting.severity else validator.severity
        catalogue.append(RuleInfo(
            code=validator.code, severity=severity, default_severity=validator.severity,
            enabled=setting.enabled if setting is not None else True, title=validator.title,
            clause=validator.clause, plugin=plugin_of(validator) if plugin_of else ""))
    return catalogue
