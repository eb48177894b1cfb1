"""The review desk (审核): approve or return a submission, waive a finding, and keep every
decision in the store's append-only audit trail (审计记录).

A submission's review state is kept apart from the pipeline's status (which is about
the checks)::

    received ─┬─ incomplete (the checks found errors) ─┬─ approved
              └─ under_review (the checks passed) ─────┴─ returned (with reasons)
    … any of them ── superseded (a correction of it arrived)

Until a reviewer decides, the state follows from the checks; a decision is kept in the
store (:meth:`pressdocs.store.Store.set_review`) together with its audit entry, in one
transaction.  Returning a submission queues a correction request (请补正) carrying the
reasons and the findings the reviewer kept.  Many of the notice's limits hold only in
principle (原则上): a reviewer may waive a finding for one submission with a note; the
finding stays, marked waived, and no longer stands in the way of approval.

:class:`pressdocs.Pressdocs` exposes this as ``approve``, ``return_submission``,
``waive``, ``review`` and ``audit``.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pressdocs.errors import StoreError
from pressdocs.models import Labelled, Message, Severity, Submission, SubmissionStatus
from pressdocs.store.base import AuditEntry, ReviewRecord, Waiver
from pressdocs.text.dates import office_time

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._notify import NotifyReport
    from pressdocs.store import Store

__all__ = ["Review", "ReviewState", "approve", "current_actor", "return_submission",
           "review_of", "review_state", "state_of", "waive"]


class ReviewState(Labelled):
    """Where a submission stands at the review desk (see the module docstring)."""

    RECEIVED = "received"
    INCOMPLETE = "incomplete"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


@dataclass
class Review:
    """A submission at the review desk: its state, the decision standing on it, the
    findings waived (code → waiver), its audit trail, and the notices a return queued."""

    submission: Submission
    state: ReviewState
    decision: ReviewRecord | None
    waivers: dict[str, Waiver]
    history: list[AuditEntry]
    notices: NotifyReport | None = field(default=None)

    def standing_errors(self) -> list[str]:
        """The codes of the errors not waived: what stands in the way of approval."""
        return list(dict.fromkeys(f.code for f in self.submission.findings
                                  if f.severity is Severity.ERROR and f.code not in self.waivers))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The review as ``pressdocs review show --json`` prints it."""
        sub, decision = self.submission, self.decision
        findings = []
        for finding in sub.findings:
            entry = finding.to_dict()
            waiver = self.waivers.get(finding.code)
            entry["waived"] = waiver.to_dict() if waiver is not None else None
            findings.append(entry)
        return {
            "submission_id": sub.id, "subject": sub.subject, "unit": sub.unit,
            "status": sub.status.value, "state": self.state.value,
            "state_label": self.state.label(lang),
            "opinion": decision.opinion if decision else "",
            "decided_on": decision.decided_on.isoformat()
            if decision and decision.decided_on else None,
            "decided_by": decision.by if decision else "",
            "findings": findings,
            "waived": len(self.waivers),
            "audit": [e.to_dict(lang) for e in self.history],
            "notices": [o.to_dict(lang) for o in self.notices.outcomes] if self.notices else [],
        }


def current_actor(by: str | None = None) -> str:
    """Who decides: the account named, else the operating system's user."""
    if by is not None and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password file
        return "?"


def review_state(store: Store, sub: Submission) -> ReviewState:
    """The review state of a stored submission (see the module docstring)."""
    return state_of(store, sub.id, sub.status)


def state_of(store: Store, submission_id: str, status: SubmissionStatus) -> ReviewState:
    """The review state of the stored submission ``submission_id`` whose checks ended in
    ``status``: two indexed questions to the store, the submission left undecoded (a page
    of the inbox asks this of each row)."""
    if store.corrections_of(submission_id):
        return ReviewState.SUPERSEDED
    decision = store.review(submission_id)
    if decision is not None:
        return ReviewState(decision.state)
    if status is SubmissionStatus.INCOMPLETE:
        return ReviewState.INCOMPLETE
    if status is SubmissionStatus.ACCEPTED:
        return ReviewState.UNDER_REVIEW
    return ReviewState.RECEIVED


def review_of(app: Pressdocs, submission_id: str) -> Review:
    """The submission (its id or the first characters of it) at the review desk."""
    sub = app.submission(submission_id)
    store = app.store
    tz = app.config.tz  # the store keeps UTC: the desk and its JSON show the office's time
    return Review(submission=sub, state=review_state(store, sub), decision=store.review(sub.id),
                  waivers={w.code: replace(w, at=office_time(w.at, tz))
                           for w in store.waivers(sub.id)},
                  history=[replace(e, at=office_time(e.at, tz))
                           for e in store.audit(subject=sub.id)])


def _decidable(review: Review, action: str) -> None:
    """Refuse a decision on a superseded submission, or the same decision twice."""
    sub = review.submission
    if review.state is ReviewState.SUPERSEDED:
        raise StoreError.of("review.superseded", submission=sub.id[:12])
    if review.state.value == {"approve": "approved", "return": "returned"}.get(action):
        raise StoreError.of(f"review.already_{review.state.value}", submission=sub.id[:12])


def approve(app: Pressdocs, submission_id: str, *, opinion: str | None = None,
            by: str | None = None) -> Review:
    """Approve a submission: record the 审批意见 (default: the catalogue's 同意) and today's
    date.  Refused while an error stands that is neither fixed nor waived."""
    review = review_of(app, submission_id)
    _decidable(review, "approve")
    sub = review.submission
    standing = review.standing_errors()
    if standing:
        raise StoreError.of("review.errors_stand", submission=sub.id[:12], codes=standing)
    text = (opinion or "").strip() or Message.of("review.default_opinion").text(app.lang)
    actor, day = current_actor(by), app.today()
    store = app.store
    with store.transaction():
        store.set_review(ReviewRecord(submission_id=sub.id, state=ReviewState.APPROVED.value,
                                      opinion=text, decided_on=day, by=actor,
                                      at=datetime.now(UTC)))
        store.record_audit(actor=actor, action="approve", subject=sub.id,
                           previous=review.state.value, state=ReviewState.APPROVED.value,
                           text=text, data={"date": day.isoformat()})
    return review_of(app, sub.id)


def return_submission(app: Pressdocs, submission_id: str, *, reasons: Iterable[str],
                      keep_findings: bool | Iterable[str] = True,
                      by: str | None = None) -> Review:
    """Return a submission to its unit with ``reasons``, queueing a correction request
    that carries them and the findings kept (all not waived, none, or those codes)."""
    review = review_of(app, submission_id)
    sub = review.submission
    given = [r.strip() for r in reasons if r.strip()]
    if not given:
        raise StoreError.of("review.no_reason", submission=sub.id[:12])
    _decidable(review, "return")
    if isinstance(keep_findings, bool):
        kept = [f for f in sub.findings if keep_findings and f.code not in review.waivers
                and f.severity is not Severity.INFO]
    else:
        codes = list(dict.fromkeys(keep_findings))
        present = {f.code for f in sub.findings}
        for code in codes:
            if code not in present:
                raise StoreError.of("review.no_finding", submission=sub.id[:12], code=code,
                                    codes=sorted(present) or ["-"])
        kept = [f for f in sub.findings if f.code in codes]
    actor, day, store = current_actor(by), app.today(), app.store
    earlier = sum(1 for e in review.history if e.action == "return")
    notices = app.notifier.returned(sub, given, kept, period=f"return-{earlier + 1}")
    text = Message.of("review.reason_sep").text(app.lang).join(given)
    with store.transaction():
        store.set_review(ReviewRecord(submission_id=sub.id, state=ReviewState.RETURNED.value,
                                      opinion=text, decided_on=day, by=actor,
                                      at=datetime.now(UTC)))
        report = app.notifier.queue(notices)
        store.record_audit(actor=actor, action="return", subject=sub.id,
                           previous=review.state.value, state=ReviewState.RETURNED.value,
                           text=text, data={"reasons": given, "date": day.isoformat(),
                                            "findings": [f.code for f in kept],
                                            "notices": [n.key for n in notices]})
    done = review_of(app, sub.id)
    done.notices = report
    return done


def waive(app: Pressdocs, submission_id: str, code: str, *, note: str,
          by: str | None = None) -> Review:
    """Waive finding ``code`` for this submission only, with a note saying why."""
    review = review_of(app, submission_id)
    sub = review.submission
    wanted = code.strip().upper()
    present = list(dict.fromkeys(f.code for f in sub.findings))
    if wanted not in present:
        raise StoreError.of("review.no_finding", submission=sub.id[:12], code=code,
                            codes=present or ["-"])
    if not note.strip():
        raise StoreError.of("review.no_note", submission=sub.id[:12], code=wanted)
    if review.state is ReviewState.SUPERSEDED:
        raise StoreError.of("review.superseded", submission=sub.id[:12])
    actor, store = current_actor(by), app.store
    with store.transaction():
        if not store.add_waiver(Waiver(submission_id=sub.id, code=wanted, note=note.strip(),
                                       by=actor, at=datetime.now(UTC))):
            raise StoreError.of("review.already_waived", submission=sub.id[:12], code=wanted)
        store.record_audit(actor=actor, action="waive", subject=sub.id,
                           previous=review.state.value, state=review.state.value,
                           text=note.strip(), data={"code": wanted})
    return review_of(app, sub.id)
