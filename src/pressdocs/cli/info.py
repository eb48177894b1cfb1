"""Commands that show what pressdocs has: ``plugins``, ``schema``, ``config show``."""

from __future__ import annotations

import click

from pressdocs._app import Pressdocs
from pressdocs.cli.common import OneOf, common_options, pass_app, print_json, tr
from pressdocs.schemas import ALL_SCHEMAS, load

__all__ = ["config_group", "plugins_command", "schema_command"]


@click.command("plugins")
@click.option("--all", "show_all", is_flag=True,
              help="包括内置插件 / include built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def plugins_command(app: Pressdocs, show_all: bool, as_json: bool) -> None:
    """列出插件及其登记的功能 / list plugins and what they registered."""
    infos = [i for i in app.plugins.infos if show_all or not i.builtin]
    if as_json:
        print_json([i.to_dict() for i in infos])
        return
    lang = app.lang
    if not infos:
        click.echo(tr(lang, "cli.plugins.none"))
        return
    from rich.table import Table  # only for the table: --json needs no rich

    from pressdocs.cli.terminal import Terminal

    table = Table(*(tr(lang, f"cli.plugins.{key}") for key in ("plugin", "version", "status",
                                                                "registered", "notes")))
    for info in infos:
        registered = "; ".join(f"{tr(lang, f'cli.plugins.kind.{kind}')}: {', '.join(names)}"
                               for kind, names in info.registered.items())
        table.add_row(info.name, info.version, tr(lang, f"cli.plugins.state.{info.status}"),
                      registered, info.notes(lang))
    Terminal().print(table)


@click.command("schema")
@click.argument("name", required=False, type=OneOf(ALL_SCHEMAS))
@common_options
def schema_command(name: str | None) -> None:
    """打印 JSON Schema，或列出全部 / print a JSON Schema, or list them.

    Besides the models (registration, submission, …) there is one schema per ``--json``
    output: batch, validate, parse, plan-status, annual; and one per JSON export:
    statistics-table, register.
    """
    if name is None:
        for n in ALL_SCHEMAS:
            click.echo(f"{n}\t{load(n).get('title', '')}")
        return
    print_json(load(name))


@click.group("config")
def config_group() -> None:
    """配置 / configuration."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def config_show(app: Pressdocs, as_json: bool) -> None:
    """显示生效的配置（密钥已隐去）/ show the configuration in effect, secrets redacted."""
    config = app.config
    if as_json:
        print_json(config.redacted(app.lang))
        return
    source = config.source or tr(app.lang, "cli.config.defaults")
    click.echo("# " + tr(app.lang, "cli.config.source", source=source))
    click.echo(config.to_toml(), nl=False)
