"""发布稿: the press release, its title apart from its body, and its 字数."""

from __future__ import annotations

import re
from pathlib import PurePath

from pressdocs.capabilities import Content
from pressdocs.extract.labels import tokens
from pressdocs.models import Message, PressRelease
from pressdocs.text import count_zishu

__all__ = ["extract_press_release"]

_TITLE_MAX = 60
_SENTENCE_END = re.compile(r"[。！？；!?;]\s*$")
_KIND_WORDS = re.compile(r"^(新闻)?(发布稿|通稿|新闻稿)[:：]?$")


def extract_press_release(content: Content, name: str = ""
                          ) -> tuple[PressRelease, list[Message]]:
    """The release in ``content``: the first short line that does not end a sentence is
    the title (a bare "发布稿" label line is skipped); the rest is the body, whose 字数
    is counted the way Word counts it."""
    lines = [line.strip() for line in tokens(content) if line.strip()]
    warnings: list[Message] = []
    while lines and _KIND_WORDS.match(lines[0]):
        lines.pop(0)
    title = ""
    if lines and len(lines[0]) <= _TITLE_MAX and not _SENTENCE_END.search(lines[0]):
        title = lines.pop(0)
    elif name:
        title = PurePath(name).stem
        warnings.append(Message.of("extract.release_untitled"))
    body = "\n".join(lines)
    if not body:
        warnings.append(Message.of("extract.release_empty"))
    return PressRelease(title=title, body=body, chars=count_zishu(body).total), warnings
