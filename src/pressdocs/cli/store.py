"""``pressdocs store``: the store as a whole — export a portable dump of it, import one.

``pressdocs store export DUMP`` writes the ledger's rows and the original files into the
folder DUMP (new or empty), each file with its sha256 in ``DUMP/manifest.json``;
``pressdocs store import DUMP`` loads such a dump into a new, empty store (``--store``: a
directory or ``postgresql://…``), checking every file before it writes anything.  The
format and how to move an office between backends: docs/operators.md and
:mod:`pressdocs.store.dump`.  Every refusal is one line and exit 2.
"""

from __future__ import annotations

import click

from pressdocs._app import Pressdocs
from pressdocs._redact import scrub
from pressdocs.cli.common import common_options, pass_app, printable, tr
from pressdocs.store.dump import DumpSummary

__all__ = ["store_group"]

@click.group("store")
def store_group() -> None:
    """导出或导入整个数据存储（备份、迁移到 PostgreSQL）/ export or import the whole store."""


@store_group.command("export")
@click.argument("dump", type=click.Path(file_okay=True, dir_okay=True))
@common_options
@pass_app
def store_export(app: Pressdocs, dump: str) -> None:
    """把数据存储导出到新目录 DUMP（账本与原始文件，附 sha256 清单）/ write a dump of the
    store into the new folder DUMP.

    Read in one snapshot: a batch may run meanwhile.  The folder must be new or empty.
    """
    summary = app.export_store(dump)
    _report(app.lang, summary, "dump.exported")


@store_group.command("import")
@click.argument("dump", type=click.Path(file_okay=True, dir_okay=True))
@common_options
@pass_app
def store_import(app: Pressdocs, dump: str) -> None:
    """把导出的目录 DUMP 导入新的空数据存储 / load the dump DUMP into a new, empty store.

    Every file of the dump is checked against its sha256 first; then every row is loaded
    in one transaction.  A store that holds data is refused.
    """
    summary = app.import_store(dump)
    _report(app.lang, summary, "dump.imported", store=scrub(str(app.store_location)))


def _report(lang: str, summary: DumpSummary, key: str, **extra: str) -> None:
    click.echo(tr(lang, key, path=printable(str(summary.path)), tables=len(summary.tables),
                  rows=summary.rows, blobs=summary.blobs,
                  megabytes=f"{summary.blob_bytes / 1048576:.1f}", **extra))
    for table, rows in summary.tables.items():
        click.echo(tr(lang, "dump.table_rows", table=table, rows=rows))
    if summary.missing_blobs:
        click.secho(tr(lang, "dump.missing_in_store", count=len(summary.missing_blobs),
                       first=summary.missing_blobs[0]), fg="yellow", err=True)
