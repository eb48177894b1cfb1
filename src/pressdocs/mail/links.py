"""Files that arrive as download links in the body, not as MIME parts.

Webmail sends a large file as a link and writes a small block into the HTML body:

- NetEase 163/126 (超大附件): a block headed 「从网易163邮箱发来的超大附件」 (in a
  ``div#divNeteaseBigAttach``); per file an icon link, a link whose text is the file
  name, a grey note ``(80.96M, 2021年3月1日 10:00 到期)`` and 在线预览 | 下载 links.
  The links go to ``mail.163.com/large-attachment-download/index.html?p=...&file=...``
  (older mail: ``fs.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&file=...``).
  Newer anchors also carry ``filename``, ``filesize`` (bytes) and ``expiretime``
  (epoch milliseconds).  The ``title`` query parameter is *not* reliably the file
  name (in real mail it is often the message subject); it is used only when nothing
  better names the file.
- QQ mail (中转站 / 超大附件): a ``div#QQMailBigAttach`` block headed
  「从QQ邮箱发来的超大附件」 with ``mail.qq.com/cgi-bin/ftnExs_download?k=...&code=...``
  or ``wx.mail.qq.com/ftn/download?func=3&k=...&key=...&code=...`` links; the name is
  the anchor text or a nearby element (``span.qqmailbgattach``), the size ``(12.5M)``,
  the expiry ``到期时间：…`` or ``(… 到期)``.  The plain-text alternative reads
  ``name (128.03M, 2020年11月27日 21:59 到期)进入下载页面：URL``.

Each file is found once however many links point at it (icon, name, 下载, 预览): links
are grouped by the file key in the URL, and the name, size and expiry are looked up in
the smallest part of the page that belongs to that file alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit
from zoneinfo import ZoneInfo

from pressdocs.mail.headers import decode_bytes
from pressdocs.models import LinkedFile

__all__ = ["find_linked_files", "parse_size"]

_TZ = ZoneInfo("Asia/Shanghai")

# --- a small, forgiving HTML tree -----------------------------------------------------

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)
_BLOCK = frozenset(
    {"address", "article", "blockquote", "body", "center", "dd", "div", "dl", "dt",
     "fieldset", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li", "ol", "p",
     "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)
# Tags whose start implicitly closes an open one of the same family, and where that
# search stops.
_IMPLICIT = {
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table", "tbody", "thead", "tfoot"}),
    "li": ({"li"}, {"ul", "ol"}),
    "p": ({"p"}, {"div", "td", "th", "li", "blockquote", "body"}),
    "option": ({"option"}, {"select"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
}


@dataclass(eq=False)
class _Element:
    tag: str
    attrs: dict[str, str]
    parent: _Element | None
    children: list[_Element | _Text] = field(default_factory=list)


@dataclass(eq=False)
class _Text:
    text: str
    parent: _Element


_Node = _Element | _Text


class _TreeBuilder(HTMLParser):
    """Builds an :class:`_Element` tree; mismatched end tags are ignored, not fatal."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", {}, None)
        self.current = self.root
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self.skipping += 1
            return
        if tag in _IMPLICIT:
            closes, scope = _IMPLICIT[tag]
            node: _Element | None = self.current
            while node is not None and node is not self.root and node.tag not in scope:
                if node.tag in closes:
                    self.current = node.parent or self.root
                    break
                node = node.parent
        element = _Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self.skipping = max(0, self.skipping - 1)
            return
        node: _Element | None = self.current
        while node is not None and node is not self.root and node.tag != tag:
            node = node.parent
        if node is not None and node is not self.root:
            self.current = node.parent or self.root

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.children.append(_Text(data, self.current))


def _walk(node: _Element) -> Iterator[_Node]:
    """Every node under ``node`` in document order (iterative: old HTML nests deeply)."""
    stack: list[_Node] = list(reversed(node.children))
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, _Element):
            stack.extend(reversed(item.children))


def _text_of(node: _Node) -> str:
    """Visible text of a node, one line per block, spaces collapsed."""
    pieces: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
        elif isinstance(item, _Text):
            pieces.append(item.text)
        else:
            block = item.tag in _BLOCK or item.tag == "br"
            if block:
                pieces.append("\n")
                stack.append("\n")
            stack.extend(reversed(item.children))
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _path(node: _Node) -> list[_Node]:
    chain: list[_Node] = [node]
    parent = node.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    chain.reverse()
    return chain


# --- recognising the links ----------------------------------------------------------------

_NETEASE_DOMAINS = ("163.com", "126.com", "yeah.net", "188.com")
_QQ_DOMAINS = ("qq.com", "foxmail.com")


def _within(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'，。；、（）()]+")


@dataclass(eq=False)
class _Link:
    url: str
    provider: str
    key: str
    preview: bool
    node: _Node


def _classify(url: str) -> tuple[str, str, bool] | None:
    """``(provider, file key, is a preview link)`` for a download link, else ``None``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    query = parse_qs(parts.query)
    if _within(host, _NETEASE_DOMAINS) and (
        "large-attachment-download" in path
        or path.startswith(("/fs/display", "/fs/preview"))
        or (host.startswith("download.fs.") and path.startswith("/dl"))
    ):
        key = (query.get("file") or [url])[0]
        return "163", f"163:{key}", path.startswith("/fs/preview")
    if _within(host, _QQ_DOMAINS) and (
        path.startswith("/ftn/download") or "ftnexs_download" in path
    ):
        key = (query.get("k") or query.get("key") or [url])[0]
        return "qq", f"qq:{key}", False
    return None


def _links(root: _Element) -> list[_Link]:
    found: list[_Link] = []
    for node in _walk(root):
        urls: list[str] = []
        if isinstance(node, _Element):
            urls = [node.attrs[a] for a in ("href", "downloadlink") if node.attrs.get(a)]
        else:
            urls = [m.group(0).rstrip(".,;:!?") for m in _URL_IN_TEXT.finditer(node.text)]
        for url in urls:
            kind = _classify(url)
            if kind:
                found.append(_Link(url.strip(), kind[0], kind[1], kind[2], node))
    return found


# --- reading name, size and expiry ---------------------------------------------------------

_SIZE = re.compile(
    r"[（(]\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B?|B|bytes?|字节)\s*(?=[,，)）])",
    re.IGNORECASE,
)
_UNIT_POWER = {"B": 0, "K": 1, "M": 2, "G": 3, "T": 4}
_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年/.-]\s*(?P<m>\d{1,2})\s*[月/.-]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2}))?"
)
_EXPIRY_AFTER = ("到期", "过期", "失效")
_EXPIRY_BEFORE = ("到期时间", "到期日", "有效期至", "过期时间", "失效时间")
_NO_EXPIRY = ("无限期", "永久有效", "永不过期")
_FILENAME = re.compile(r"[^\\/:*?\"<>|\n]{1,240}\.[A-Za-z0-9]{0,9}[A-Za-z][A-Za-z0-9]{0,9}")
_SIZE_ONLY = re.compile(r"\d+(?:\.\d+)?\s*[KMGT]?i?B?", re.IGNORECASE)
_GENERIC = frozenset(
    {"下载", "进入下载页面", "在线预览", "预览", "点击下载", "立即下载", "查看", "打开",
     "保存到网盘", "保存到我的网盘", "收藏", "转存", "推荐客户端极速下载", "download",
     "preview", "下载附件", "点击查看"}
)


def parse_size(number: str, unit: str) -> int:
    """Bytes for a size note like ``80.96`` ``M`` (binary multiples, as webmail shows)."""
    letter = unit[:1].upper()
    power = _UNIT_POWER.get(letter, 0)  # B, bytes, 字节: 0
    value = Decimal(number) * (1024**power)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _looks_like_filename(text: str) -> bool:
    text = text.strip()
    return (
        bool(_FILENAME.fullmatch(text))
        and "://" not in text
        and not _SIZE_ONLY.fullmatch(text)
    )


def _name_in_line(line: str) -> str:
    """The file name part of a line like ``名.mp4 (80.96M, … 到期)进入下载页面：URL``."""
    line = re.split(r"进入下载页面|下载地址|下载链接|https?://", line)[0]
    size = _SIZE.search(line)
    if size:
        line = line[: size.start()]
    line = re.sub(r"^(附件|文件名|文件)\s*[:：]\s*", "", line.strip())
    return line.strip()


def _expiry_in(text: str) -> datetime | None:
    for match in _DATE.finditer(text):
        after = text[match.end(): match.end() + 12]
        before = text[max(0, match.start() - 12): match.start()]
        if any(w in after for w in _EXPIRY_AFTER) or any(w in before for w in _EXPIRY_BEFORE):
            try:
                return datetime(
                    int(match["y"]), int(match["m"]), int(match["d"]),
                    int(match["H"] or 0), int(match["M"] or 0), tzinfo=_TZ,
                )
            except ValueError:
                continue
    return None


def _epoch(value: str) -> datetime | None:
    try:
        number = int(value.strip())
    except ValueError:
        return None
    if number <= 0:
        return None
    seconds = number / 1000 if number > 10**11 else number  # 163: ms, QQ: s
    try:
        return datetime.fromtimestamp(seconds, _TZ)
    except (OverflowError, OSError, ValueError):
        return None


@dataclass
class _Found:
    name: str = ""
    weak_name: str = ""
    size: int | None = None
    size_text: str = ""
    expires: datetime | None = None
    no_expiry: bool = False

    def read_text(self, text: str, *, nearest_last: bool = False) -> None:
        """Take what is still missing from ``text``.

        With ``nearest_last`` the text runs up to the link, so the last name-like line
        is the one closest to it.
        """
        if not self.name:
            lines = text.split("\n")
            for line in reversed(lines) if nearest_last else lines:
                candidate = _name_in_line(line)
                if _looks_like_filename(candidate):
                    self.name = candidate
                    break
        if not self.size_text:
            match = _SIZE.search(text)
            if match:
                self.size_text = f"{match['num']}{match['unit']}"
                if self.size is None:
                    self.size = parse_size(match["num"], match["unit"])
        if self.expires is None and not self.no_expiry:
            self.expires = _expiry_in(text)
            if self.expires is None and any(w in text for w in _NO_EXPIRY):
                self.no_expiry = True

    def read_attrs(self, attrs: dict[str, str]) -> None:
        if not self.name and _looks_like_filename(attrs.get("filename", "")):
            self.name = attrs["filename"].strip()
        if self.size is None and attrs.get("filesize", "").strip().isdigit():
            self.size = int(attrs["filesize"].strip())
        if self.expires is None and attrs.get("expiretime"):
            self.expires = _epoch(attrs["expiretime"])


def _title_param(url: str) -> str:
    """The ``title`` query parameter, percent-decoded as UTF-8 (else GB18030)."""
    for pair in urlsplit(url).query.split("&"):
        key, _, value = pair.partition("=")
        if key == "title":
            data = unquote_to_bytes(value.replace("+", " "))
            return decode_bytes(data, None)[0].strip()
    return ""


def _read_group(links: list[_Link], levels: list[_Node], found: _Found) -> None:
    for link in links:
        if isinstance(link.node, _Element):
            found.read_attrs(link.node.attrs)
            title = link.node.attrs.get("title", "")
            if not found.name and _looks_like_filename(title):
                found.name = title.strip()
    for link in links:
        if isinstance(link.node, _Element) and link.node.tag == "a":
            text = _text_of(link.node)
            if not found.name and _looks_like_filename(text):
                found.name = text
            elif not found.weak_name and text and text.lower() not in _GENERIC and not (
                _URL_IN_TEXT.match(text)
            ):
                found.weak_name = text
    for level in levels:
        if found.name and found.size_text and (found.expires or found.no_expiry):
            return
        if isinstance(level, _Element):
            for node in [level, *_walk(level)]:
                if isinstance(node, _Element):
                    found.read_attrs(node.attrs)
                    if not found.name and "qqmailbgattach" in node.attrs.get("class", ""):
                        first = next((c for c in node.children), None)
                        text = _text_of(first).split("\n")[0] if first else ""
                        found.name = _name_in_line(text)
        found.read_text(_text_of(level))


def find_linked_files(html: str) -> list[LinkedFile]:
    """The files a message body sends as download links (163 超大附件, QQ 中转站).

    ``html`` is the HTML body (a plain-text body can be passed through
    :func:`html.escape`).  Each file appears once, in the order of the page, with its
    name, the download URL, the size in bytes (``80.96M`` = 80.96 × 1024² bytes) and
    the size as written, the expiry (aware, Asia/Shanghai) and the provider (``"163"``
    or ``"qq"``).  Unknown parts stay empty/``None``.  Never raises on odd markup.
    """
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except (AssertionError, ValueError):  # HTMLParser rejects a few pathological inputs
        pass
    root = builder.root
    links = _links(root)
    groups: dict[str, list[_Link]] = {}
    for link in links:
        groups.setdefault(link.key, []).append(link)
    ancestors = {
        key: {id(n) for link in group for n in _path(link.node)} for key, group in groups.items()
    }
    result: list[LinkedFile] = []
    for key, group in groups.items():
        others = set().union(*(ids for k, ids in ancestors.items() if k != key))
        paths = [_path(link.node) for link in group]
        lca = _lowest_common(paths)
        found = _Found()
        if id(lca) in others:
            _read_group(group, [], found)
            found.read_text(_segment(_text_of(root), group), nearest_last=True)
        else:
            levels: list[_Node] = [lca]
            node = lca.parent
            while node is not None and id(node) not in others:
                levels.append(node)
                node = node.parent
            _read_group(group, levels, found)
        download = next((link for link in group if not link.preview), group[0])
        name = found.name or found.weak_name
        if not name and download.provider == "163":
            name = _title_param(download.url)
        result.append(
            LinkedFile(
                name=name,
                url=download.url,
                size=found.size,
                size_text=found.size_text,
                expires=found.expires,
                provider=download.provider,
            )
        )
    return result


def _lowest_common(paths: list[list[_Node]]) -> _Node:
    """The deepest node on every root-to-node path."""
    common = paths[0][0]
    for nodes in zip(*paths, strict=False):
        if any(n is not nodes[0] for n in nodes):
            break
        common = nodes[0]
    return common


def _segment(full_text: str, group: list[_Link]) -> str:
    """For links in running text: the text from the previous file's URL to this URL's line."""
    positions: list[tuple[int, int, str]] = []
    for match in _URL_IN_TEXT.finditer(full_text):
        kind = _classify(match.group(0).rstrip(".,;:!?"))
        if kind:
            positions.append((match.start(), match.end(), kind[1]))
    key = group[0].key
    start = 0
    for _begin, end, found_key in positions:
        if found_key == key:
            line_end = full_text.find("\n", end)
            return full_text[start: len(full_text) if line_end < 0 else line_end]
        start = end
    return full_text
