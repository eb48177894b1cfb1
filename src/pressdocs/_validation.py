"""Running the rules: every registered :class:`pressdocs.Validator` over a submission.

The user's configuration switches rules off (``[rules.PD203] enabled = false``) or
changes their severity (``severity = "error"``).  A validator that misbehaves — raises,
or returns something other than :class:`pressdocs.Finding` objects with a
:class:`pressdocs.Severity` and a message — does not hide the others: it becomes one
PD999 warning naming the rule and the plugin that registered it, and the submission is
still checked by every other rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pressdocs.capabilities import Validator
from pressdocs.models import Finding, Location, Message, Severity, Submission

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs.store import Store

__all__ = ["validate_submission"]


class _Misbehaved(Exception):
    """A validator returned something that is not a finding; ``detail`` says what."""

    def __init__(self, detail: Message) -> None:
        super().__init__(detail.en)
        self.detail = detail


def validate_submission(sub: Submission, app: Pressdocs, *,
                        store: Store | None = None) -> list[Finding]:
    """The findings of every enabled rule on ``sub``, in catalogue order."""
    findings: list[Finding] = []
    registry = app.plugins.registry
    for validator in sorted(registry.of(Validator), key=lambda v: v.code):
        setting = app.config.rule(validator.code)
        if not setting.enabled:
            continue
        plugin = registry.plugin_of(validator)
        try:
            found = _checked(validator.check(sub, app.context(validator, store=store)))
        except _Misbehaved as exc:
            findings.append(_pd999(Message.of("rules.misbehaved", code=validator.code,
                                              plugin=plugin, detail=exc.detail)))
            continue
        except Exception as exc:  # one rule's bug must not hide the others
            findings.append(_pd999(Message.of("rules.crashed", code=validator.code,
                                              plugin=plugin,
                                              error=f"{type(exc).__name__}: {exc}")))
            continue
        if setting.severity is not None:
            found = [replace(f, severity=setting.severity) for f in found]
        findings.extend(found)
    return findings


def _pd999(message: Message) -> Finding:
    return Finding(code="PD999", severity=Severity.WARNING, message=message,
                   location=Location())


def _checked(result: Iterable[Finding] | None) -> list[Finding]:
    """The findings a validator returned, refused unless every one is a well-formed
    :class:`Finding` (a plugin's ``Finding(severity="warning")`` or a bare string would
    otherwise break the reports, the store or the JSON output far from its cause)."""
    if result is None:
        return []
    returned: object = result
    if isinstance(returned, str | bytes | Finding) or not isinstance(returned, Iterable):
        # a bare string would otherwise be taken apart into characters, a bare Finding
        # would fail as "not iterable": name what was returned instead
        raise _Misbehaved(Message.of("rules.returned_not_a_list",
                                     value=f"{type(returned).__name__} {returned!r:.60}"))
    found = list(result)
    for item in found:
        if not isinstance(item, Finding):
            raise _Misbehaved(Message.of("rules.returned_not_a_finding",
                                         value=f"{type(item).__name__} {item!r:.60}"))
        if not isinstance(item.severity, Severity):
            raise _Misbehaved(Message.of("rules.bad_finding_severity",
                                         value=repr(item.severity)))
        if not isinstance(item.message, Message):
            raise _Misbehaved(Message.of("rules.bad_finding_message",
                                         value=f"{item.message!r:.60}"))
    return found
