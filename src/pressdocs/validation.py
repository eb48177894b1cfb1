"""Running the rules: every registered :class:`pressdocs.Validator` over a submission.

The user's configuration switches rules off (``[rules.PD203] enabled = false``) or
changes their severity (``severity = "error"``).  A validator that crashes does not
hide the others: its failure becomes a PD999 warning naming the rule.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pressdocs.app import Pressdocs
from pressdocs.capabilities import Context, Validator
from pressdocs.models import Finding, Location, Message, Severity, Submission

if TYPE_CHECKING:
    from pressdocs.store import Store

__all__ = ["validate_submission"]


def validate_submission(sub: Submission, app: Pressdocs, *,
                        store: Store | None = None) -> list[Finding]:
    """The findings of every enabled rule on ``sub``, in catalogue order."""
    context = Context(config=app.config, store=store, lang=app.lang)
    findings: list[Finding] = []
    validators = sorted(app.plugins.registry.of(Validator), key=lambda v: v.code)
    for validator in validators:
        setting = app.config.rule(validator.code)
        if not setting.enabled:
            continue
        try:
            found = list(validator.check(sub, context))
        except Exception as exc:  # one rule's bug must not hide the others
            findings.append(Finding(
                code="PD999", severity=Severity.WARNING,
                message=Message.of("rules.crashed", code=validator.code,
                                   plugin=app.plugins.registry.plugin_of(validator),
                                   error=f"{type(exc).__name__}: {exc}"),
                location=Location()))
            continue
        if setting.severity is not None:
            found = [replace(f, severity=setting.severity) for f in found]
        findings.extend(found)
    return findings
