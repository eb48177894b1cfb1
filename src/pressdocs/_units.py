"""The unit directory (单位名录): the city's units and every name each goes by.

Units write their own names in full (芜湖市人力资源和社会保障局 on the form), the office
writes them short (市人社局 in the plan), and senders in between ("人社局", "市人社局办公室").
The directory gives each unit one name — the one pressdocs records
(:attr:`pressdocs.Submission.unit`) and shows — and knows the others:

- **shipped** with pressdocs (``_data/units.toml``): the standard names of a city's
  departments, offices and people's organisations after the national pattern
  (人力资源和社会保障局, 市场监督管理局, 卫生健康委员会 …) with the short names in use
  (人社局, 市场监管局, 卫健委), written without the city; and naming patterns for county
  governments and their offices (南陵县人民政府, 鸠江区政府办) and development zones'
  committees (三山经开区管委会);
- **the office's own** ``[units."…"]`` tables in ``pressdocs.toml`` (emails, mobiles,
  aliases): a table whose name or alias is a shipped unit extends it, and its name
  becomes the name pressdocs records; any other table adds a unit.  The office's names
  and aliases win over the shipped ones.

The city itself is configuration: the full name is :attr:`Config.city` and the unit's
name (芜湖市人力资源和社会保障局), the recorded name its level (the city's last
character, 市) and the short name (市人社局).

:meth:`UnitDirectory.resolve` is the one normaliser of unit names, used by the intake
(the sending unit), the rules, the plan match and the reports (through
:meth:`pressdocs.Config.find_unit`, :meth:`~pressdocs.Config.unit_key` and
:func:`pressdocs.rules.matching.same_unit`).  A name is looked up after these steps, each
recorded in the :class:`Resolution` (``pressdocs units resolve NAME`` shows them):

1. invisible characters, spaces, quotes and a bracketed note at the end (（盖章）) are
   dropped and full-width forms made half-width;
2. injected spam standing where the city's name belongs (PD501's detection) becomes the
   city's name;
3. the city's name at the start is dropped (芜湖市, or 芜湖 not followed by 县/区);
4. the name is looked up as it stands, then without a leading level (市人社局 → 人社局);
5. the naming patterns are tried (无为市人民政府, 鸠江区政府办);
6. an internal office at the end (办公室, 新闻科, 综合处 …) is dropped when what is left
   is a unit (市统计局办公室 → 统计局).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pressdocs.config import Contact, Unit
from pressdocs.models import Message
from pressdocs.text import strip_invisible, to_halfwidth

if TYPE_CHECKING:
    from pressdocs.config import Config

__all__ = ["DirectoryEntry", "Pattern", "Resolution", "UnitDirectory", "directory"]

#: Where each name of an entry came from, in the order they are tried.
ORIGINS = ("config", "builtin+config", "builtin", "pattern")

_SPACES = re.compile(r"[\s\u3000]+")
_QUOTES = re.compile(r"[《》〈〉“”‘’\"'「」『』]")
_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
#: An internal office of a unit, at the end of its name (办公室, 新闻科, 综合处, 局长室).
_OFFICE = re.compile(r"办公室|[\u4e00-\u9fff]{0,8}[科处股室]")


@dataclass(frozen=True)
class DirectoryEntry:
    """One unit of the directory: its :class:`Unit` (the name pressdocs records, every
    other name as ``aliases``, the office's emails and mobiles), its full name, and where
    it comes from (``builtin``, ``config``, ``builtin+config`` or ``pattern``)."""

    unit: Unit
    full_name: str
    origin: str

    def to_dict(self) -> dict[str, Any]:
        """The entry as ``pressdocs units --json`` lists it."""
        return {"name": self.unit.name, "full_name": self.full_name,
                "aliases": list(self.unit.aliases), "emails": list(self.unit.emails),
                "mobiles": list(self.unit.mobiles), "origin": self.origin}


@dataclass(frozen=True)
class Pattern:
    """A naming pattern: a place (``place``, a regular expression) and a fixed ending —
    ``{place}人民政府`` — under which any county or zone is a unit."""

    name: str
    short: str = ""
    aliases: tuple[str, ...] = ()
    place: str = ""

    def templates(self) -> list[tuple[str, str]]:
        """Each name of the pattern with how it names the unit (name, short, alias)."""
        return [(self.name, "name"), *([(self.short, "short")] if self.short else []),
                *((alias, "alias") for alias in self.aliases)]

    def to_dict(self) -> dict[str, Any]:
        """The pattern as ``pressdocs units --json`` lists it."""
        return {"name": self.name, "short": self.short, "aliases": list(self.aliases),
                "place": self.place}


@dataclass(frozen=True)
class Resolution:
    """How a name was found in the directory: the entry, the directory's name that
    matched (as the directory writes it) and how it names the unit (``name``, ``short``,
    ``alias``, ``pattern``), the name as it was looked up, and the steps that made it so
    (:mod:`pressdocs._units`)."""

    query: str
    entry: DirectoryEntry
    matched: str
    by: str
    compared: str
    steps: tuple[Message, ...] = ()

    @property
    def unit(self) -> Unit:
        return self.entry.unit

    def reason(self) -> Message:
        """Which of the entry's names matched: 简称“人社局”."""
        return Message.of(f"units.by_{self.by}", name=self.matched)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The resolution as ``pressdocs units resolve --json`` prints it."""
        return {"query": self.query, "resolved": True, "unit": self.entry.to_dict(),
                "matched": self.matched, "by": self.by, "compared": self.compared,
                "reason": self.reason().text(lang),
                "steps": [step.text(lang) for step in self.steps]}


@dataclass
class _Hit:
    entry: DirectoryEntry
    matched: str
    by: str


class UnitDirectory:
    """The directory of one city (see the module docstring); build it with
    :func:`directory`."""

    def __init__(self, city: str, entries: list[DirectoryEntry],
                 patterns: list[Pattern]) -> None:
        self.city = city
        self.level = city[-1:] or "市"
        self.entries = entries
        self.patterns = patterns
        self._index: dict[str, _Hit] = {}
        self._emails: dict[str, DirectoryEntry] = {}
        self._made: dict[tuple[int, str], DirectoryEntry] = {}
        self._resolved: dict[str, Resolution | None] = {}
        self._compiled = [(pattern, [(_template_regex(template, pattern.place), template)
                                     for template, _ in pattern.templates()])
                          for pattern in patterns]
        for entry in entries:
            for name, by in _names(entry):
                for key in self._keys(name, entry.origin != "builtin"):
                    self._index.setdefault(key, _Hit(entry, name, by))
            for email in entry.unit.all_emails():  # a contact's own mailbox too
                self._emails.setdefault(email.strip().lower(), entry)

    # --- looking up ------------------------------------------------------------------

    def resolve(self, name: str) -> Resolution | None:
        """The unit called ``name``, how it was found and after which steps; ``None``
        when the directory has no such unit."""
        if name not in self._resolved:
            self._resolved[name] = self._resolve(name)
        return self._resolved[name]

    def find(self, name: str) -> Unit | None:
        """The :class:`Unit` called ``name`` (by any of its names), or ``None``."""
        found = self.resolve(name)
        return found.unit if found is not None else None

    def by_email(self, address: str) -> Unit | None:
        """The unit that sends from ``address`` (case-insensitive)."""
        entry = self._emails.get(address.strip().lower())
        return entry.unit if entry is not None else None

    def key(self, name: str) -> str:
        """What ``name`` is compared by: the name the directory records the unit by, or
        for a unit it does not know, the name through steps 1–4 (without the city's
        name and level)."""
        found = self.resolve(name)
        if found is not None:
            return found.unit.name
        return self._normalise(name)[-1][0]

    def same(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` name the same unit."""
        key_a = self.key(a)
        return bool(key_a) and key_a == self.key(b)

    def names(self) -> list[str]:
        """Every name the directory knows a unit by (for suggestions)."""
        return sorted({hit.matched for hit in self._index.values()})

    # --- the steps -------------------------------------------------------------------

    def _resolve(self, name: str) -> Resolution | None:
        tried = self._normalise(name)
        for candidate, steps in tried:  # 4. the name as it stands, then without 市
            hit = self._index.get(candidate)
            if hit is not None:
                return Resolution(name, hit.entry, hit.matched, hit.by, candidate,
                                  tuple(steps))
        for candidate, steps in tried:  # 5. a county or a zone
            found = self._pattern(name, candidate, steps)
            if found is not None:
                return found
        for candidate, steps in tried:  # 6. a unit's internal office
            for cut in range(len(candidate) - 1, 1, -1):
                head, tail = candidate[:cut], candidate[cut:]
                if not _OFFICE.fullmatch(tail):
                    continue
                office = [*steps, Message.of("units.step_office", office=tail, text=head)]
                hit = self._index.get(head)
                if hit is not None:
                    return Resolution(name, hit.entry, hit.matched, hit.by, head,
                                      tuple(office))
                found = self._pattern(name, head, office)
                if found is not None:
                    return found
        return None

    def _normalise(self, name: str) -> list[tuple[str, list[Message]]]:
        """``name`` through steps 1–3, and without a leading level too: the texts step 4
        looks up, in order, each with the steps that made it."""
        from pressdocs.rules.matching import replace_injected_spam

        steps: list[Message] = []
        text = _clean(name)
        if text != name.strip():
            steps.append(Message.of("units.step_cleaned", text=text))
        fixed, spam = replace_injected_spam(text, self.city)
        if spam:
            text = fixed
            steps.append(Message.of("units.step_spam", spam=[s for s, _ in spam],
                                    city=self.city, text=text))
        without, city = self._without_city(text)
        if city:
            text = without
            steps.append(Message.of("units.step_city", city=city, text=text))
        tried = [(text, steps)]
        if text.startswith(self.level) and len(text) > 1:
            tried.append((text[1:], [*steps, Message.of("units.step_level", level=self.level,
                                                        text=text[1:])]))
        return tried

    def _without_city(self, text: str) -> tuple[str, str]:
        """``text`` without the city's name at its start, and the name dropped."""
        city = self.city.lower()
        if city and text.startswith(city) and len(text) > len(city):
            return text[len(city):], self.city
        stem = city.removesuffix(self.level)
        if stem and stem != city and text.startswith(stem) and len(text) > len(stem) \
                and text[len(stem)] not in "县区":
            return text[len(stem):], self.city.removesuffix(self.level)
        return text, ""

    def _keys(self, name: str, written_by_people: bool) -> list[str]:
        """The keys a directory name is found by: as cleaned and without the city; a
        name from the office's configuration also without a leading level."""
        text, _ = self._without_city(_clean(name))
        keys = [text]
        if written_by_people and text.startswith(self.level) and len(text) > 1:
            keys.append(text[1:])
        return keys

    def _pattern(self, query: str, candidate: str,
                 steps: list[Message]) -> Resolution | None:
        for number, (pattern, templates) in enumerate(self._compiled):
            for regex, template in templates:
                match = regex.fullmatch(candidate)
                if match is None:
                    continue
                place = match.groupdict().get("place", "")
                entry = self._made.get((number, place))
                if entry is None:
                    entry = self._made.setdefault((number, place), _from_pattern(pattern, place))
                matched = template.replace("{place}", place)
                return Resolution(query, entry, matched, "pattern", candidate,
                                  (*steps, Message.of("units.step_pattern", pattern=template,
                                                      place=place)))
        return None


def directory(config: Config) -> UnitDirectory:
    """The unit directory of ``config``: the shipped one with the office's ``[units]``
    (built once per city and set of tables)."""
    tables = tuple((u.name, tuple(u.emails), tuple(u.mobiles), tuple(u.aliases),
                    tuple(u.contacts)) for u in config.units.values())
    return _directory(config.city, tables)


@lru_cache(maxsize=16)
def _directory(city: str, tables: tuple[tuple[str, tuple[str, ...], tuple[str, ...],
                                              tuple[str, ...], tuple[Contact, ...]], ...]
               ) -> UnitDirectory:
    level = city[-1:] or "市"
    builtin = [_from_data(entry, city, level) for entry in _data()["unit"]]
    patterns = [Pattern(p["name"], p.get("short", ""), tuple(p.get("aliases", ())),
                        p["place"]) for p in _data()["pattern"]]
    shipped = UnitDirectory(city, builtin, [])
    own: list[DirectoryEntry] = []
    extended: set[int] = set()
    for name, emails, mobiles, aliases, contacts in tables:
        found = next((r for r in map(shipped.resolve, (name, *aliases)) if r is not None),
                     None)
        if found is not None and id(found.entry) not in extended:
            extended.add(id(found.entry))
            base = found.entry
            others = [n for n in (base.unit.name, *base.unit.aliases)
                      if n != name and n not in aliases]
            own.append(DirectoryEntry(
                Unit(name=name, emails=list(emails), mobiles=list(mobiles),
                     aliases=[*aliases, *others], contacts=list(contacts)),
                base.full_name, "builtin+config"))
        else:
            full = city + name[len(level):] if name.startswith(level) else name
            own.append(DirectoryEntry(Unit(name=name, emails=list(emails),
                                           mobiles=list(mobiles), aliases=list(aliases),
                                           contacts=list(contacts)),
                                      full, "config"))
    rest = [entry for entry in builtin if id(entry) not in extended]
    return UnitDirectory(city, own + rest, patterns)


@cache
def _data() -> dict[str, Any]:
    """The shipped directory (``_data/units.toml``)."""
    text = resources.files("pressdocs").joinpath("_data", "units.toml").read_text("utf-8")
    return tomllib.loads(text)


def _from_data(entry: dict[str, Any], city: str, level: str) -> DirectoryEntry:
    name, short = entry["name"], entry.get("short", "")
    aliases = [n for n in (name, short, *entry.get("aliases", ())) if n]
    return DirectoryEntry(Unit(name=level + (short or name), aliases=aliases),
                          city + name, "builtin")


def _from_pattern(pattern: Pattern, place: str) -> DirectoryEntry:
    names = [t.replace("{place}", place) for t, _ in pattern.templates()]
    shown = pattern.short.replace("{place}", place) if pattern.short else names[0]
    return DirectoryEntry(Unit(name=shown, aliases=[n for n in names if n != shown]),
                          names[0], "pattern")


def _names(entry: DirectoryEntry) -> list[tuple[str, str]]:
    """Every name of an entry with how it names the unit: the recorded name and the
    standard and full names are names, the short name is short, the rest aliases."""
    unit = entry.unit
    if entry.origin == "builtin":
        standard, *rest = unit.aliases
        short = unit.name[1:] if unit.name[1:] != standard else ""
        return [(unit.name, "name"), (standard, "name"), (entry.full_name, "name"),
                *((n, "short" if n == short else "alias") for n in rest)]
    return [(unit.name, "name"), (entry.full_name, "name"),
            *((n, "alias") for n in unit.aliases)]


def _template_regex(template: str, place: str) -> re.Pattern[str]:
    """The regular expression a pattern's name template matches: ``{place}人民政府`` →
    ``(?P<place>…)人民政府``."""
    before, _, after = template.partition("{place}")
    if not _:
        return re.compile(re.escape(template))
    return re.compile(f"{re.escape(before)}(?P<place>{place}){re.escape(after)}")


def _clean(name: str) -> str:
    """Step 1: no invisible characters, spaces or quotes, no bracketed note at the end,
    half-width, lower case."""
    text = _QUOTES.sub("", _SPACES.sub("", to_halfwidth(strip_invisible(name)))).lower()
    previous = None
    while previous != text:
        previous, text = text, _NOTE.sub("", text)
    return text
