"""An example exporter plugin: the plan's status (计划执行情况) as a Markdown table, for
an intranet wiki or a work-group post.

An exporter says which reports it takes (``subjects``) and which file suffixes it writes
(``formats``); ``Pressdocs.export(report, "计划执行情况.md")`` picks the first exporter
that takes both.  The built-ins write .xlsx, .csv, .json and .html, so a new format is
found by its suffix; for one a built-in already writes, name the exporter:
``pd.export(report, path, exporter="plan-markdown")``.  Its settings are its table in
``pressdocs.toml``, ``[plugins.plan_markdown_plugin] title = "…"``.

Run as a script, it imports the 2021 plan into a store and exports its status:

    python examples/plan_markdown_plugin.py [-o 计划执行情况.md] [--day 2021-06-30] [--store DIR]
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pressdocs import Context, Exporter, ExportError, Message, PlanStatusReport, hookimpl
from pressdocs.text import format_date_zh


def cell(text: str) -> str:
    """Text safe in a Markdown table cell (a ``|`` would start a new cell)."""
    return " ".join(text.split()).replace("|", "\\|")


class PlanMarkdown(Exporter):
    name = "plan-markdown"
    description = "计划执行情况（Markdown 表格）"
    subjects = (PlanStatusReport,)
    formats = ("md",)

    def export(self, subject: PlanStatusReport, path: Path, context: Context) -> Path:
        """Write ``subject`` to ``path`` as a Chinese document (the office's own page)."""
        title = context.plugin_config().get("title", f"{subject.year}年新闻发布会计划执行情况")
        lines = [f"# {title}", "", f"截至{format_date_zh(subject.as_of)}", "",
                 "| 序号 | 月份 | 发布主题 | 责任单位 | 状态 |", "|---|---|---|---|---|"]
        for status in subject.items:
            item = status.item
            held = f"（{format_date_zh(status.held_on)}）" if status.held_on else ""
            lines.append(f"| {item.number} | {item.month}月 | {cell(item.topic)} | "
                         f"{cell('、'.join(item.units))} | {status.state_text('zh')}{held} |")
        try:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError as exc:  # a clear error naming the file, not a traceback
            raise ExportError(Message.literal(f"无法写入 {path}：{exc.strerror}",
                                              f"cannot write {path}: {exc.strerror}")) from exc
        return path


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(PlanMarkdown())


if __name__ == "__main__":
    import argparse
    from datetime import date

    import plan_markdown_plugin  # this file as a module of its own name: the plugin's name

    from pressdocs import Pressdocs

    parser = argparse.ArgumentParser(description="export the plan's status as Markdown")
    parser.add_argument("-o", "--output", default="计划执行情况.md")
    parser.add_argument("--day", type=date.fromisoformat, default=date(2021, 6, 30))
    parser.add_argument("--store", default="example-data")
    args = parser.parse_args()
    with Pressdocs(store=args.store, plugins=[plan_markdown_plugin]) as pd:
        pd.import_plan(Path(__file__).with_name("notice_2021.txt"))
        written = pd.export(pd.plan_status(as_of=args.day), args.output)  # chosen by ".md"
    print(f"已导出 {written}")
