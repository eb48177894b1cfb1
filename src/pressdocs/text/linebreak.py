"""How Chinese word processors break lines (禁则), for telling a wrapped line from one its
writer ended: the PDF parser reads a printed form by its character boxes, the OCR reader
by its text lines, and both join a cell's lines where Word or WPS wrapped them.
"""

from __future__ import annotations

import re

__all__ = ["LIST_ITEM", "NO_LINE_END", "NO_LINE_START", "WORD_CHAR"]

#: Characters that may not begin a line (Chinese line breaking, 禁则): the word processor
#: carries the character before them over to the next line too.
NO_LINE_START = set("、。，．,.；;：:！!？?）)】」』”’》〉%％")
#: Characters that may not end a line: opening brackets and quotes.
NO_LINE_END = set("（([【「『“‘《〈")
#: A character of a run that does not break: Latin letters, digits and what joins them in
#: an address, a number or a phone (whxwtg@163.com, 0553-1234567, 3.5%).
WORD_CHAR = re.compile(r"[0-9A-Za-z@._%\-/+]")
#: A line opening an item of a numbered list ("4. 上述内容…", "（二）", "三、") starts a
#: paragraph of its own, however full the line above it is ("3.2亿元" is a number).
LIST_ITEM = re.compile(r"\s*(?:\d{1,2}[.．、)）](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]"
                       r"|[一二三四五六七八九十]{1,3}、)")
