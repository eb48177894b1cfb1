"""``pressdocs users``: the staff accounts (账号) that sign in to ``pressdocs serve`` —
add one, list them, change a password, disable or enable one.

A password is read from the terminal twice, without echo; ``--password-stdin`` reads one
line from standard input instead, for scripts (``printf '%s\\n' "$PW" | pressdocs users
add 李处长 --password-stdin``).  Only its scrypt hash is kept (see docs/review.md).
"""

from __future__ import annotations

import click

from pressdocs._app import Pressdocs
from pressdocs.cli.common import OneOf, common_options, pass_app, print_json, tr
from pressdocs.cli.terminal import Terminal
from pressdocs.errors import PressdocsError
from pressdocs.text.dates import office_time

__all__ = ["users_group"]

_AS = click.option("--as", "by", default=None, metavar="NAME",
                   help="以谁的名义（默认当前系统用户）/ who makes the change (default: the OS user).")
_STDIN = click.option("--password-stdin", "from_stdin", is_flag=True,
                      help="从标准输入读取一行作为密码（供脚本使用）/ read the password as one "
                           "line from standard input (for scripts).")
#: How many times the terminal asks before giving up.
_TRIES = 3


@click.group("users")
def users_group() -> None:
    """账号：谁可以登录审核页面，能做什么 / staff accounts: who may sign in, and do what."""


def _read_password(lang: str, from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice without echo."""
    from pressdocs._accounts import check_password

    if from_stdin:
        line = click.get_text_stream("stdin").readline().rstrip("\r\n")
        if not line:
            raise PressdocsError.of("cli.users.no_password")
        return line
    problem: PressdocsError | None = None
    for _ in range(_TRIES):
        first = click.prompt(tr(lang, "cli.users.password"), hide_input=True, err=True)
        try:
            check_password(first)
        except PressdocsError as exc:
            problem = exc
            click.secho(tr(lang, "cli.error", text=exc.render(lang)), fg="red", err=True)
            continue
        second = click.prompt(tr(lang, "cli.users.password_again"), hide_input=True, err=True)
        if first == second:
            return str(first)
        problem = PressdocsError.of("cli.users.mismatch")
        click.secho(tr(lang, "cli.error", text=problem.render(lang)), fg="red", err=True)
    assert problem is not None
    raise problem


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=OneOf(["reviewer", "viewer"]), default="reviewer",
              show_default=True,
              help="角色：reviewer 审核员（可审批、退回、豁免、标记计划）或 viewer 查看者（只读）"
                   " / reviewer: decides; viewer: reads only.")
@_STDIN
@_AS
@common_options
@pass_app
def users_add(app: Pressdocs, name: str, role: str, from_stdin: bool, by: str | None) -> None:
    """添加账号，密码从终端输入两次 / add an account; the password is asked twice."""
    from pressdocs._accounts import normal_name
    from pressdocs.errors import StoreError

    wanted = normal_name(name)  # a bad or taken name is refused before the password is asked
    taken = app.user(wanted)
    if taken is not None:
        raise StoreError.of("accounts.taken", name=taken.name)
    account = app.add_user(wanted, _read_password(app.lang, from_stdin), role=role, by=by)
    click.echo(tr(app.lang, "cli.users.added", name=account.name,
                  role=account.role.label(app.lang)))


@users_group.command("passwd")
@click.argument("name")
@_STDIN
@_AS
@common_options
@pass_app
def users_passwd(app: Pressdocs, name: str, from_stdin: bool, by: str | None) -> None:
    """修改账号的密码 / change an account's password."""
    from pressdocs._accounts import require_user

    account = require_user(app, name)
    account = app.set_password(account.name, _read_password(app.lang, from_stdin), by=by)
    click.echo(tr(app.lang, "cli.users.password_changed", name=account.name))


@users_group.command("disable")
@click.argument("name")
@_AS
@common_options
@pass_app
def users_disable(app: Pressdocs, name: str, by: str | None) -> None:
    """停用账号：不能再登录，审核记录保留 / disable an account (its decisions stay)."""
    account = app.disable_user(name, by=by)
    click.echo(tr(app.lang, "cli.users.disabled", name=account.name))


@users_group.command("enable")
@click.argument("name")
@_AS
@common_options
@pass_app
def users_enable(app: Pressdocs, name: str, by: str | None) -> None:
    """重新启用停用的账号 / enable a disabled account again."""
    account = app.enable_user(name, by=by)
    click.echo(tr(app.lang, "cli.users.enabled", name=account.name,
                  role=account.role.label(app.lang)))


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def users_list(app: Pressdocs, as_json: bool) -> None:
    """列出账号及其角色（不显示密码）/ list the accounts and their roles."""
    from rich.table import Table

    from pressdocs._messages import render_value

    lang, accounts = app.lang, app.users()
    if as_json:
        print_json({"users": [a.to_dict(lang) for a in accounts]})
        return
    if not accounts:
        click.echo(tr(lang, "cli.users.none"))
        return
    table = Table(title=tr(lang, "cli.users.title", count=len(accounts)))
    for key in ("name", "role", "state", "created", "changed"):
        table.add_column(tr(lang, f"cli.users.{key}"), no_wrap=True)
    tz = app.config.tz
    for a in accounts:
        changed = a.password_changed_at
        table.add_row(a.name, a.role.label(lang),
                      tr(lang, "cli.users.inactive" if a.disabled else "cli.users.active"),
                      render_value(office_time(a.created_at, tz), lang),
                      render_value(office_time(changed, tz), lang) if changed else "")
    Terminal().print(table)
