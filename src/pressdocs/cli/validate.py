"""``pressdocs validate``: check files, folders and saved messages against the notice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    common_options,
    pass_app,
    print_json,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.errors import PressdocsError
from pressdocs.forms.spec import location_label
from pressdocs.models import Finding, Location, Severity, Submission

__all__ = ["validate_command"]


@dataclass
class _Checked:
    """One path on the command line and what checking it gave."""

    path: str
    submission: Submission | None = None
    error: PressdocsError | None = None

    @property
    def findings(self) -> list[Finding]:
        if self.error is not None:
            return [Finding("PD901", Severity.ERROR, self.error.as_message(),
                            Location(document=self.path))]
        return self.submission.findings if self.submission is not None else []

    def to_dict(self, lang: str) -> dict[str, Any]:
        """One input as ``pressdocs validate --json`` gives it (schema ``validate``)."""
        sub = self.submission
        return {"input": self.path,
                "kind": sub.kind.value if sub else None,
                "status": sub.status.value if sub else "error",
                "status_label": sub.status.label(lang) if sub else tr(lang, "cli.validate.failed"),
                "unit": sub.unit if sub else "",
                "plan_year": sub.plan_year if sub else None,
                "plan_item": sub.plan_item if sub else None,
                "plan_match": sub.plan_match.to_dict() if sub and sub.plan_match else None,
                "findings": [f.to_dict() for f in self.findings]}


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def validate_command(app: Pressdocs, paths: tuple[str, ...], as_json: bool) -> None:
    """按《通知》核查文件、目录或邮件 / check files, folders or .eml messages.

    Exit code 0 without errors, 1 when there are errors, 2 when a path could not be
    checked at all (missing, unreadable); the others are still checked and shown.
    """
    results = []
    for path in paths:
        try:
            results.append(_Checked(path, submission=app.check(path)))
        except PressdocsError as exc:  # reported with the others; the exit code says 2
            results.append(_Checked(path, error=exc))
    if as_json:
        print_json([r.to_dict(app.lang) for r in results])
    else:
        _table(results, app.lang)
    if any(r.error is not None for r in results):
        raise SystemExit(EXIT_CANNOT_RUN)
    if any(f.severity is Severity.ERROR for r in results for f in r.findings):
        raise SystemExit(EXIT_FINDINGS)


def _table(results: list[_Checked], lang: str) -> None:
    console = Terminal()
    for result in results:
        match = result.submission.plan_match if result.submission is not None else None
        if not result.findings:
            console.print(tr(lang, "cli.validate.clean", path=result.path), style="green")
            if match is not None:
                console.print(match.reason().text(lang), markup=False, highlight=False,
                              soft_wrap=True)
            continue
        table = Table(title=result.path, title_justify="left")
        for key in ("cli.validate.code", "cli.validate.severity", "cli.validate.where"):
            table.add_column(tr(lang, key), no_wrap=True)
        table.add_column(tr(lang, "cli.validate.finding"), overflow="fold", ratio=1)
        for f in result.findings:
            where = location_label(f.location, lang)
            table.add_row(f.code, f.severity.label(lang), where, f.text(lang))
        if match is not None:
            table.caption = match.reason().text(lang)
            table.caption_justify = "left"
        console.print(table)
