"""``pressdocs units``: the unit directory — list it, or explain how a name is found.

``pressdocs units`` lists the directory in effect: the units shipped with pressdocs and
the office's ``[units]`` tables, with the name pressdocs records each by, its full name,
its other names, emails and mobiles, and where it comes from; then the naming patterns
(county governments, their offices, zones' committees).  ``pressdocs units resolve
NAME`` says which unit a name is, by which of its names, after which steps
(:mod:`pressdocs._units`), and exits 1 when the name is no unit of the directory.
"""

from __future__ import annotations

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._messages import did_you_mean, render_value
from pressdocs._units import DirectoryEntry, UnitDirectory
from pressdocs.cli.common import EXIT_FINDINGS, common_options, pass_app, print_json, tr
from pressdocs.cli.terminal import Terminal

__all__ = ["units_group"]

#: The catalogue's name of each origin of an entry.
_ORIGINS = {"builtin": "units.origin_builtin", "config": "units.origin_config",
            "builtin+config": "units.origin_extended", "pattern": "units.origin_pattern"}


@click.group("units", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@click.pass_context
def units_group(ctx: click.Context, as_json: bool) -> None:
    """单位名录：名称、全称、简称和别名 / the unit directory: names, full names, aliases.

    The units shipped with pressdocs (a city's departments by their standard names and
    short names) and the [units] tables of pressdocs.toml; `pressdocs units resolve NAME`
    explains how a name is found.
    """
    if ctx.invoked_subcommand is None:
        _list(as_json)


@pass_app
def _list(app: Pressdocs, as_json: bool) -> None:
    directory = app.config.directory
    if as_json:
        print_json({"city": directory.city,
                    "units": [entry.to_dict() for entry in directory.entries],
                    "patterns": [pattern.to_dict() for pattern in directory.patterns]})
        return
    lang = app.lang
    console = Terminal()
    table = Table(title=tr(lang, "cli.units.title", city=directory.city,
                           count=len(directory.entries)))
    table.add_column(tr(lang, "cli.units.name"), no_wrap=True)
    table.add_column(tr(lang, "cli.units.full_name"), overflow="fold")
    table.add_column(tr(lang, "cli.units.aliases"), overflow="fold", ratio=1)
    table.add_column(tr(lang, "cli.units.contacts"), overflow="fold")
    table.add_column(tr(lang, "cli.units.origin"), no_wrap=True)
    for entry in directory.entries:
        table.add_row(entry.unit.name, entry.full_name,
                      render_value(_other_names(entry, directory), lang),
                      render_value([*entry.unit.emails, *entry.unit.mobiles], lang),
                      tr(lang, _ORIGINS[entry.origin]))
    console.print(table)
    patterns = Table(title=tr(lang, "cli.units.patterns_title"))
    patterns.add_column(tr(lang, "cli.units.pattern"), no_wrap=True)
    patterns.add_column(tr(lang, "cli.units.other_names"), overflow="fold")
    for pattern in directory.patterns:
        names = [_shown(name) for name, _ in pattern.templates()]
        patterns.add_row(names[0], render_value(names[1:], lang))
    console.print(patterns)


def _shown(template: str) -> str:
    """A pattern's name as people read it: ××县人民政府 for ``{place}人民政府``."""
    return template.replace("{place}", "××")


def _other_names(entry: DirectoryEntry, directory: UnitDirectory) -> list[str]:
    """The names of an entry other than the recorded name and the full name (nor the
    full name without the city)."""
    full = {entry.full_name, entry.full_name.removeprefix(directory.city), entry.unit.name}
    return [name for name in entry.unit.aliases if name not in full]


@units_group.command("resolve")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def units_resolve(app: Pressdocs, name: str, as_json: bool) -> None:
    """说明一个名称对应名录中的哪个单位 / which unit a name is, and why.

    Exits 1 when the name is no unit of the directory.
    """
    directory = app.config.directory
    lang = app.lang
    found = directory.resolve(name)
    if found is None:
        compared = directory.key(name)
        suggestion = did_you_mean(compared, directory.names())
        if as_json:
            print_json({"query": name, "resolved": False, "compared": compared,
                        "suggestion": suggestion.params["name"] if suggestion else None})
        else:
            click.echo(tr(lang, "cli.units.not_found", query=name, text=compared,
                          suggestion=suggestion))
            click.echo(tr(lang, "cli.units.hint"))
        raise SystemExit(EXIT_FINDINGS)
    if as_json:
        print_json(found.to_dict(lang))
        return
    click.echo(tr(lang, "cli.units.resolved", query=name, name=found.unit.name,
                  full_name=found.entry.full_name, reason=found.reason()))
    if found.steps:
        click.echo(tr(lang, "cli.units.steps"))
        for step in found.steps:
            click.echo(tr(lang, "cli.units.step", text=step))
    click.echo(tr(lang, "cli.units.compared", text=found.compared))
