"""``pressdocs rules``: the catalogue of rules, with the clause of the notice each enforces."""

from __future__ import annotations

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs.cli.common import common_options, pass_app, print_json, tr
from pressdocs.cli.terminal import Terminal

__all__ = ["rules_command"]


@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def rules_command(app: Pressdocs, as_json: bool) -> None:
    """列出校验规则、级别和《通知》条款 / list the rules, severities and clauses."""
    catalogue = app.rules()
    if as_json:
        print_json([rule.to_dict() for rule in catalogue])
        return
    lang = app.lang
    table = Table(*(tr(lang, f"cli.rules.{key}") for key in ("code", "severity", "rule",
                                                              "clause")))
    for rule in catalogue:
        severity = rule.severity.label(lang)
        if not rule.enabled:
            severity += tr(lang, "cli.rules.disabled")
        table.add_row(rule.code, severity, rule.title.text(lang), rule.clause)
    Terminal().print(table)
