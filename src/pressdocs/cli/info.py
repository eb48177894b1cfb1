"""Commands that show what pressdocs has: ``plugins``, ``schema``, ``config show``."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.schemas import SCHEMA_NAMES, load

__all__ = ["config_group", "plugins_command", "schema_command"]

_KIND_ZH = {"parser": "解析器", "classifier": "分类器", "validator": "校验规则",
            "channel": "通知渠道", "exporter": "导出器", "mail_source": "邮件来源"}
_STATUS_ZH = {"loaded": "已加载", "skipped": "已跳过", "failed": "加载失败"}


@click.command("plugins")
@click.option("--all", "show_all", is_flag=True,
              help="包括内置插件 / include built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def plugins_command(app: Pressdocs, show_all: bool, as_json: bool) -> None:
    """列出插件及其登记的功能 / list plugins and what they registered."""
    infos = [i for i in app.plugins.infos if show_all or not i.builtin]
    if as_json:
        print_json([i.to_dict() for i in infos])
        return
    lang = app.lang
    if not infos:
        click.echo(t(lang, "未安装第三方插件（用 --all 查看内置插件）。",
                     "No third-party plugins installed (use --all to see built-ins)."))
        return
    table = Table(t(lang, "插件", "plugin"), t(lang, "版本", "version"),
                  t(lang, "状态", "status"), t(lang, "登记的功能", "registered"),
                  t(lang, "说明", "notes"))
    for info in infos:
        registered = "; ".join(
            f"{_KIND_ZH.get(k, k) if lang == 'zh' else k}: {', '.join(v)}"
            for k, v in info.registered.items())
        status = _STATUS_ZH[info.status] if lang == "zh" else info.status
        notes = " ".join(x for x in (info.reason, info.install_hint) if x)
        table.add_row(info.name, info.version, status, registered, notes)
    Console().print(table)


@click.command("schema")
@click.argument("name", required=False, type=click.Choice(SCHEMA_NAMES))
@pass_app
def schema_command(app: Pressdocs, name: str | None) -> None:
    """打印 JSON Schema，或列出全部 / print a JSON Schema, or list them."""
    if name is None:
        for n in SCHEMA_NAMES:
            click.echo(f"{n}\t{load(n).get('title', '')}")
        return
    print_json(load(name))


@click.group("config")
def config_group() -> None:
    """配置 / configuration."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def config_show(app: Pressdocs, as_json: bool) -> None:
    """显示生效的配置（密钥已隐去）/ show the configuration in effect, secrets redacted."""
    data = app.config.redacted()
    if as_json:
        print_json(data)
        return
    lang = app.lang
    source = data.pop("source") or t(lang, "（未找到配置文件，使用《通知》默认值）",
                                     "(no configuration file; the notice's defaults)")
    click.echo("# " + t(lang, "配置来源：", "configuration from: ") + source)
    for line in _toml_lines(data, ""):
        click.echo(line)


def _toml_lines(data: dict[str, object], prefix: str) -> list[str]:
    """A TOML-like rendering: plain keys first, then one [section] per table."""
    import json

    lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}"
             for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            name = f"{prefix}.{k}" if prefix else k
            if any(not isinstance(x, dict) for x in v.values()) or not v:
                lines += ["", f"[{name}]"]
            lines += _toml_lines(v, name)
    return lines
