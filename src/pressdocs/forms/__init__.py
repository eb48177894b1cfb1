"""The notice's three blank forms, and the same forms filled in from the models.

- :func:`write_plan_form` — 附件1, 新闻发布会计划安排 (.docx or .xlsx);
- :func:`write_registration_form` — 附件2, 新闻发布会登记表 (.docx);
- :func:`write_statistics_form` — 附件3, 新闻发布会统计表 (.docx or .xlsx).

Each form's fields, labels and columns are defined once in :mod:`pressdocs.forms.spec`,
which extraction, the classifier and the field names in findings read too.

The format follows the file's suffix.  The layout is the notice's: the same titles,
labels, columns and merged cells (附件2's 负责人 spans 姓名/电话/职务), the four printed
requirements in the 内容 cell with the numbers (1200 字, 2 questions, 500 字, 3 pictures,
1 video, 1 day) and the mailbox taken from :class:`pressdocs.config.Config`, and the
city from the configuration too.  Without a model the form is blank, ready to send to
the units; with one it is filled in the way people fill it in (2021年3月15日 9:30, lists
joined with 、, 审批意见 dated 2021年3月10日(公章), speakers as 张三（局长）).

**Round trip.** A filled form read back by the parsers (:mod:`pressdocs.builtin`) and
the extractors (:mod:`pressdocs.extract`) gives the same data, except for what a paper
form cannot hold:

- a statistics row's questions column is one cell: ``否`` means no questions, so a row
  with ``questions_allowed=False`` reads back with ``question_count=0``, and a row with
  only a count (``3个``) reads back as allowed when the count is above 0;
- a list is one cell, joined with 、; when an item itself contains a separator (a
  guest "党组书记、局长王伟") the items are written one per line, and whether that item
  reads back whole is up to the extractor's reading of the cell;
- a plan item's year is the plan's year unless its 时间 cell names another year;
- a date is written as ``held_on_text`` / ``time_text`` when the model has that text,
  so what reads back is what that text says.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs.config import Config
from pressdocs.errors import ExportError
from pressdocs.forms.spec import PLAN, REGISTRATION, STATISTICS, Form
from pressdocs.models import Message, Plan, Registration, StatisticsReport

if TYPE_CHECKING:
    from docx.document import Document
    from openpyxl import Workbook

__all__ = ["write_plan_form", "write_registration_form", "write_statistics_form"]


def write_registration_form(path: str | Path, registration: Registration | None = None, *,
                            city: str | None = None, config: Config | None = None) -> Path:
    """Write 附件2 (登记表) to ``path`` (.docx); blank, or filled with ``registration``.

    ``city`` defaults to the configuration's city.  Returns the path written.
    """
    from pressdocs.forms import word

    target, config, city = _prepare(path, REGISTRATION, ("docx",), city, config)
    _save_docx(word.registration_docx(registration, config, city), target)
    return target


def write_statistics_form(path: str | Path, report: StatisticsReport | None = None, *,
                          year: int | None = None, city: str | None = None,
                          config: Config | None = None) -> Path:
    """Write 附件3 (统计表) to ``path`` (.docx or .xlsx); blank, or filled with ``report``.

    The title's year is ``year``, else the report's year, else its filing date's year; a
    blank form without one leaves the year for the hand.  Returns the path written.
    """
    target, config, city = _prepare(path, STATISTICS, ("docx", "xlsx"), city, config)
    if target.suffix.lower() == ".xlsx":
        from pressdocs.forms import excel

        _save_xlsx(excel.statistics_xlsx(report, config, city, year), target)
    else:
        from pressdocs.forms import word

        _save_docx(word.statistics_docx(report, config, city, year), target)
    return target


def write_plan_form(path: str | Path, plan: Plan | None = None, *, year: int | None = None,
                    city: str | None = None, config: Config | None = None) -> Path:
    """Write 附件1 (计划安排) to ``path`` (.docx or .xlsx); blank, or filled with ``plan``.

    The title is the plan's own title when it has one, else "<year>年<city>新闻发布会计划安排"
    with the plan's year (or ``year`` for a blank form).  Returns the path written.
    """
    target, config, city = _prepare(path, PLAN, ("docx", "xlsx"), city, config)
    if target.suffix.lower() == ".xlsx":
        from pressdocs.forms import excel

        _save_xlsx(excel.plan_xlsx(plan, config, city, year), target)
    else:
        from pressdocs.forms import word

        _save_docx(word.plan_docx(plan, config, city, year), target)
    return target


def _prepare(path: str | Path, form: Form, formats: tuple[str, ...], city: str | None,
             config: Config | None) -> tuple[Path, Config, str]:
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise ExportError.of("forms.unsupported_format", form=form.label,
                             suffix=target.suffix or Message.of("forms.no_suffix"),
                             allowed=[f".{f}" for f in formats], file=str(target))
    config = config or Config()
    return target, config, city or config.city


def _save_docx(document: Document, target: Path) -> None:
    try:
        document.save(str(target))
    except OSError as exc:
        raise _write_failed(target, exc) from exc


def _save_xlsx(workbook: Workbook, target: Path) -> None:
    try:
        workbook.save(str(target))
    except OSError as exc:
        raise _write_failed(target, exc) from exc


def _write_failed(target: Path, exc: OSError) -> ExportError:
    why = ("forms.folder_missing" if isinstance(exc, FileNotFoundError) else
           "forms.not_writable" if isinstance(exc, PermissionError) else "forms.write_refused")
    return ExportError.of("forms.write_failed", why=Message.of(why), file=str(target))
