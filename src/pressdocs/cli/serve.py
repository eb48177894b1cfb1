"""``pressdocs serve``: run the review desk (审核台, :mod:`pressdocs.web`) with uvicorn.

Bound to 127.0.0.1 unless told otherwise: the office reaches it through its own HTTPS
reverse proxy (docs/operators.md), which is why ``--https`` makes the session cookie
``Secure`` and the proxy's ``X-Forwarded-*`` headers are believed from ``--proxy``
addresses only.
"""

from __future__ import annotations

import ipaddress
import socket

import click

from pressdocs._app import Pressdocs
from pressdocs.cli.common import PORT, common_options, pass_app, tr
from pressdocs.errors import PressdocsError

__all__ = ["serve_command"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址 / address to listen on (keep 127.0.0.1 behind a reverse proxy).")
@click.option("--port", default=8000, show_default=True, type=PORT,
              help="端口 / port.")
@click.option("--https", is_flag=True,
              help="经 HTTPS 反向代理访问：会话 Cookie 设为 Secure / reached over HTTPS.")
@click.option("--proxy", "proxies", default="127.0.0.1", show_default=True,
              help="信任其 X-Forwarded-* 头的代理地址 / proxy addresses trusted.")
@common_options
@pass_app
def serve_command(app: Pressdocs, host: str, port: int, https: bool, proxies: str) -> None:
    """启动审核台网页（收件箱、审核、计划安排、统计表、审计记录）/ run the review desk."""
    try:
        import uvicorn

        from pressdocs.web.app import create_app
        from pressdocs.web.desk import Desk
    except ImportError as exc:
        raise PressdocsError.of("cli.serve.missing", module=exc.name or "starlette") from exc
    lang = app.lang
    if not app.users():
        click.secho(tr(lang, "cli.serve.no_users"), fg="yellow", err=True)
    if not _loopback(host):
        click.secho(tr(lang, "cli.serve.exposed", host=host), fg="yellow", err=True)
    desk = Desk(config=app.config, store=app.store_given, folder=app.store_path, lang=lang,
                plugins=app.plugins, https=https)
    _can_listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(tr(lang, "cli.serve.started", url=f"http://{shown}:{port}/"))
    uvicorn.run(create_app(desk), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips=proxies, log_level="warning", server_header=False)


def _can_listen(host: str, port: int) -> None:
    """Say plainly when the port is taken or the address is not this machine's (uvicorn
    would log it in English and exit)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        raise PressdocsError.of("cli.serve.cannot_listen", host=host, port=port,
                                error=exc.strerror or str(exc)) from exc


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

