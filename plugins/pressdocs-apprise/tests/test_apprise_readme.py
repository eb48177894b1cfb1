"""The README tells the truth: its configuration loads, and notices go where it says."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from apprise_support import Webhook, clean_env, serve
from pressdocs import Context, Notice
from pressdocs.config import config_from_dict
from pressdocs_apprise import AppriseChannel

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env(monkeypatch, tmp_path)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook on 127.0.0.1 (``json://127.0.0.1:PORT/PATH`` in Apprise's words)."""
    with serve() as hook:
        yield hook


def toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_configurations_send_notices_where_it_says(
        webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    groups, routed = toml_blocks()
    for name in ("OFFICE", "TJJ", "STATS"):
        monkeypatch.setenv(f"PRESSDOCS_APPRISE_{name}", webhook.url(f"/{name.lower()}"))
    channel = AppriseChannel()

    def send(block: str, unit: str, template: str, recipients: list[str]) -> str:
        config = config_from_dict({**tomllib.loads(block),
                                   "units": {"芜湖市统计局": {}, "芜湖市财政局": {}}})
        the_notice = Notice(key=f"{template}:{unit}", channel="apprise", template=template,
                            recipients=recipients, unit=unit,
                            context={"subject": "回执", "text": "登记表已收到"})
        return channel.send(the_notice, Context(config=config, plugin="apprise")).status

    named = tomllib.loads(groups)["notify"]["apprise"]["recipients"]
    assert named == ["办公室群"]
    assert send(groups, "芜湖市统计局", "receipt", named) == "sent"   # the group named
    assert send(routed, "芜湖市统计局", "receipt", []) == "sent"      # its unit's group
    assert send(routed, "芜湖市财政局", "receipt", []) == "sent"      # none of its own: urls
    assert send(routed, "芜湖市财政局", "remind_statistics", []) == "sent"  # by type

    assert webhook.paths() == ["/office", "/tjj", "/office", "/stats"]


def test_the_readme_names_the_services_urls_apprise_accepts() -> None:
    import apprise

    text = README.read_text(encoding="utf-8")
    urls = re.findall(r"'((?:dingtalk|wecombot|feishu)://[^']+)'", text)
    urls += re.findall(r"(tgram://[A-Z_/]+)", text)
    assert len(urls) == 4
    fake = {"SIGN_SECRET": "SEC0a1b2c3d", "ACCESS_TOKEN": "0a1b2c3d4e5f",
            "WEBHOOK_KEY": "693a91f6-7a0c-4bc4-97a0-0ec2a1b2c3d4", "WEBHOOK_TOKEN": "0a1b2c3d-4e5f",
            "BOT_TOKEN": "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678", "CHAT_ID": "-1001234567"}
    for url in urls:  # with made-up values of the right shape for the placeholders
        for placeholder, value in fake.items():
            url = url.replace(placeholder, value)
        assert apprise.Apprise.instantiate(url) is not None, url
