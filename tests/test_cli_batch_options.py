"""``pressdocs batch`` without a source, and ``pressdocs reprocess --code``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from pressdocs import Finding, Message, Pressdocs, Severity, Validator, hookimpl
from pressdocs.cli import cli
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")


def _mail(folder: Path) -> Path:
    folder.mkdir()
    (folder / "1.eml").write_bytes(message(
        subject="【市统计局】登记表", sender="tjj <tjj@wuhu.gov.cn>",
        date=datetime(2021, 4, 12, 9, tzinfo=TZ), message_id="<opt-1@wuhu.gov.cn>",
        attachments=[("登记表.docx", registration_docx(title="一季度经济运行新闻发布会",
                                                     unit="市统计局",
                                                     when="2021年4月20日上午9:30"))]))
    return folder


def test_batch_without_a_source_takes_in_the_configured_mailbox(tmp_path: Path) -> None:
    folder = _mail(tmp_path / "mail")
    config = tmp_path / "pressdocs.toml"
    config.write_text(f'[mail]\nimap = "{folder}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "--config", str(config), "--store",
                                      str(tmp_path / "store"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new"] == 1


def test_batch_without_any_source_says_how_to_give_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert "没有指定要收取的邮箱" in result.output and "[mail]" in result.output
    english = CliRunner().invoke(cli, ["batch", "--lang", "en", "--store",
                                       str(tmp_path / "store")])
    assert "no mailbox to take in" in english.output


class _Sloppy(Validator):
    """A plugin rule that returns a string instead of a finding (PD999)."""

    name = code = "OF201"
    title = Message.literal("办公室规则", "an office rule")

    def check(self, submission, context):  # type: ignore[no-untyped-def]
        return ["发布稿没有标题"]


class _Fixed(_Sloppy):
    def check(self, submission, context):  # type: ignore[no-untyped-def]
        return [Finding(self.code, Severity.WARNING, Message.literal("按办公室规则提醒"))]


def _plugin(rule: Validator) -> object:
    class Plugin:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(rule)

    return Plugin()


def test_reprocess_by_finding_code_after_a_plugin_is_fixed(tmp_path: Path) -> None:
    folder, store = _mail(tmp_path / "mail"), tmp_path / "store"
    with Pressdocs(store=store, plugins=[_plugin(_Sloppy())], load_entry_points=False) as pd:
        [first] = pd.batch(str(folder)).outcomes
        assert "PD999" in {f.code for f in first.submission.findings}
        assert first.status != "error"  # the other rules still ran
    with Pressdocs(store=store, plugins=[_plugin(_Fixed())], load_entry_points=False) as pd:
        assert pd.reprocess(codes=["PD203"]).seen == 0  # nothing has that code
        again = pd.reprocess(codes=["PD999"])
        [outcome] = again.outcomes
        codes = {f.code for f in outcome.submission.findings}
        assert "PD999" not in codes and "OF201" in codes
        [earlier] = pd.store.submission_history(outcome.submission.id)
        assert "PD999" in {f.code for f in earlier.submission.findings}


def test_a_dry_run_on_a_new_store_leaves_nothing_behind(tmp_path: Path) -> None:
    folder, store = _mail(tmp_path / "mail"), tmp_path / "store"
    report = Pressdocs(store=store).batch(str(folder), dry_run=True)
    assert report.new == 1 and report.dry_run
    assert not store.exists()  # no database, no blobs, no lock file


def test_reprocessing_a_resend_keeps_the_correction_pointing_back(tmp_path: Path) -> None:
    """A resend corrects the earlier message; run again later, neither corrects a message
    that came after it (no cycle hiding both conferences)."""
    folder, store = tmp_path / "mail", tmp_path / "store"
    folder.mkdir()
    for n, day in ((1, 12), (2, 13)):
        (folder / f"{n}.eml").write_bytes(message(
            subject=f"【市统计局】登记表（第{n}次）", sender="tjj <tjj@wuhu.gov.cn>",
            date=datetime(2021, 4, day, 9, tzinfo=TZ), message_id=f"<resend-{n}@wuhu.gov.cn>",
            attachments=[("登记表.docx", registration_docx(
                title="一季度经济运行新闻发布会", unit="市统计局",
                when=f"2021年4月2{n}日上午9:30"))]))
    with Pressdocs(store=store) as pd:
        first = {o.submission.subject: o.submission for o in pd.batch(str(folder)).outcomes}
        again = {o.submission.subject: o.submission for o in pd.reprocess().outcomes}
        for subs in (first, again):
            one, two = subs["【市统计局】登记表（第1次）"], subs["【市统计局】登记表（第2次）"]
            assert (one.corrects, two.corrects) == ("", one.id)
        [conference] = pd.store.conferences()
        assert conference.held_on.day == 22  # the corrected day, told by the resend
