"""``pressdocs plugin new``: write a plugin distribution to start from (see
:func:`pressdocs.write_plugin_template`)."""

from __future__ import annotations

import click

from pressdocs.cli.common import OneOf, common_options, fail, settings_of, tr
from pressdocs.errors import PressdocsError

__all__ = ["plugin_group"]


@click.group("plugin")
def plugin_group() -> None:
    """编写插件：生成可安装、带测试的插件模板 / write a plugin: a template to install and test."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--kind", type=OneOf(["validator", "channel", "parser", "exporter"]),
              default="validator", show_default=True,
              help="插件类型：校验规则、通知渠道、解析器或导出器 / the kind of plugin.")
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="写入的目录（默认 ./pressdocs-NAME，须不存在或为空）/ the folder to write "
                   "(default ./pressdocs-NAME; must not exist, or be empty).")
@common_options
def plugin_new_command(name: str, kind: str, output: str | None) -> None:
    """生成插件模板 / write a plugin template: pyproject.toml, the module, tests, README.

    NAME is the plugin's name (its entry point, its [plugins.NAME] table, its
    capability's name): lower-case letters and digits, words joined by - or _.
    """
    from pressdocs import write_plugin_template

    lang = settings_of().output_lang()
    try:
        written = write_plugin_template(name, kind=kind, target=output)
    except PressdocsError as exc:
        fail(exc, lang)
    folder = written[0].parent
    click.echo(tr(lang, "cli.plugin.written", name=name,
                  kind=tr(lang, f"cli.plugins.kind.{kind}"), folder=str(folder)))
    for path in written:
        click.echo(f"  {path}")
    click.echo(tr(lang, "cli.plugin.next", folder=str(folder)))
