"""``pressdocs rules``: the catalogue of rules, with the clause of the notice each enforces."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.capabilities import Validator
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.models import Message, Severity
from pressdocs.rules import rules_catalogue

__all__ = ["rules_command"]



@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def rules_command(app: Pressdocs, as_json: bool) -> None:
    """列出校验规则、级别和《通知》条款 / list the rules, severities and clauses."""
    catalogue = rules_catalogue(app.plugins.registry.of(Validator), app.config)
    if as_json:
        print_json(catalogue)
        return
    lang = app.lang
    table = Table(t(lang, "代码", "code"), t(lang, "级别", "severity"),
                  t(lang, "规则", "rule"), t(lang, "《通知》条款", "clause of the notice"))
    for rule in catalogue:
        severity = Severity(rule["severity"]).label(lang)
        if not rule["enabled"]:
            severity += t(lang, "（已停用）", " (disabled)")
        title = Message.from_dict(rule["title"]).text(lang)
        table.add_row(rule["code"], severity, title, rule["clause"])
    Console().print(table)
