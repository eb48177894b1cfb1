"""问答: questions for reporters with their prepared answers, from the usual layouts.

A question starts with 问题一 / 问题1 / 一、 / 1. / 1、 / (1) / Q: / Q1: / 问：; an answer with
答： / A: / 回答：.  When a question line ends with a question mark and no answer marker
follows, the lines after it are its answer.  Text before the first question (a heading
such as "答记者问参考口径") is ignored.
"""

from __future__ import annotations

import re

from pressdocs.capabilities import Content
from pressdocs.extract.labels import tokens
from pressdocs.models import Message, QAPair
from pressdocs.text import count_zishu

__all__ = ["extract_qa", "looks_like_qa"]

_NUM = r"[一二三四五六七八九十]+|\d+"
QUESTION = re.compile(
    rf"^\s*(?:问题\s*(?:{_NUM})\s*[:：、.．]?|(?:[一二三四五六七八九十]+)\s*[、.．]"
    rf"|\d+\s*[、.．)）](?!\d)|[(（]\s*(?:{_NUM})\s*[)）]|Q\s*\d*\s*[:：.．]|问\s*(?:{_NUM})?\s*[:：])"
    r"\s*(?P<text>.*)$",
    re.IGNORECASE,
)
ANSWER = re.compile(r"^\s*(?:答\s*[:：]|答\s+|A\s*\d*\s*[:：.．]|回答\s*[:：])\s*(?P<text>.*)$",
                    re.IGNORECASE)
_ASKS = re.compile(r"[？?]\s*$")


def extract_qa(content: Content) -> tuple[list[QAPair], list[Message]]:
    """Every question with its answer, and warnings (a question left unanswered)."""
    pairs: list[tuple[list[str], list[str]]] = []
    in_answer = False
    for line in (t.strip() for t in tokens(content)):
        if not line:
            continue
        a = ANSWER.match(line)
        q = None if a else QUESTION.match(line)
        if q and not (in_answer and not _ASKS.search(line) and _is_list_item(line)):
            pairs.append(([q.group("text").strip()], []))
            in_answer = False
        elif a and pairs:
            pairs[-1][1].append(a.group("text").strip())
            in_answer = True
        elif pairs:
            question, answer = pairs[-1]
            if in_answer or (_ASKS.search(question[-1]) and not answer) or answer:
                answer.append(line)
                in_answer = True
            else:
                question.append(line)
    result: list[QAPair] = []
    warnings: list[Message] = []
    for i, (question, answer) in enumerate(pairs, 1):
        text = "\n".join(a for a in answer if a)
        asked = "".join(question).strip()
        result.append(QAPair(question=asked, answer=text, answer_chars=count_zishu(text).total))
        if not text:
            warnings.append(Message.of("extract.unanswered", number=i, question=asked[:30]))
    return result, warnings


def looks_like_qa(content: Content) -> tuple[int, int]:
    """How many question and answer markers the text has (for the classifier)."""
    lines = tokens(content)
    return (sum(1 for line in lines if QUESTION.match(line) and not ANSWER.match(line)),
            sum(1 for line in lines if ANSWER.match(line)))


def _is_list_item(line: str) -> bool:
    """Numbered points inside an answer ("1. 加强…") are not new questions."""
    return bool(re.match(r"^\s*(?:\d+\s*[、.．)）]|[(（]\s*\d+\s*[)）])", line))
