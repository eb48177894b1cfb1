"""Reading the annual plan (附件1) for import, from whatever file the office has.

The plan comes as a Word table, an Excel sheet, a CSV export, a PDF, or text laid out
like the notice's own 附件1 (one value per line).  :func:`read_plan` reads any of these
and runs the spam check (PD501) on it: the notice the plan came with was itself found on
a compromised page, and a plan imported with injected text would spread it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressdocs._reading import parse_content, read_path
from pressdocs.capabilities import Content
from pressdocs.models import Finding, Message, Plan, Submission

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs

__all__ = ["PlanImport", "read_plan"]


@dataclass
class PlanImport:
    """A plan read for import: the plan, what could not be read in it, and the spam
    findings (PD501) on it — imported as written: the office decides, facts in hand."""

    plan: Plan
    warnings: list[Message] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.plan.year, "items": len(self.plan.items),
                "source": self.plan.source,
                "warnings": [w.to_dict() for w in self.warnings],
                "findings": [f.to_dict() for f in self.findings]}


def read_plan(app: Pressdocs, path: Path, *, year: int | None = None) -> PlanImport:
    """The plan in ``path``, warnings about rows that could not be read, and what the
    rules find in it (the spam check, PD501) — the registered rules with the user's
    settings, as for any submission.

    Raises :class:`pressdocs.ParseError` when the file holds no plan or its year cannot
    be told (give ``year``).
    """
    from pressdocs._validation import validate_submission
    from pressdocs.extract.plan import extract_plan

    data = read_path(path)
    if path.suffix.lower() == ".csv":
        content = _csv_content(data)
    else:
        content = parse_content(data, path.name, app.plugins, app.config)
    plan, warnings = extract_plan(content, year=year, source=path.name)
    findings = validate_submission(Submission(id="0" * 64, plan=plan), app)
    return PlanImport(plan, warnings, findings)


def _csv_content(data: bytes) -> Content:
    """A CSV export (UTF-8 with or without BOM, or GBK from Excel on Chinese Windows)."""
    from pressdocs._sniff import decode_text

    rows: list[list[str | None]] = [list(r) for r in csv.reader(io.StringIO(decode_text(data)[0]))]
    return Content(media_type="text/csv", tables=[rows])
