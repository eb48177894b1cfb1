"""Which plan item (附件1) a submission is about: unit, topic similarity and month.

A plan row names one or more responsible units and a topic; a registration names its
organiser, its title and its date.  The score weighs the unit most (0.5), then how alike
the title and the topic are (0.35; difflib's ratio, or full marks when one contains the
other), then how close the month is (0.15).  A row is matched only when its unit matches
or the topics are clearly alike, and the score reaches :data:`THRESHOLD`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from pressdocs.config import Config
from pressdocs.models import Plan, PlanItem

__all__ = ["THRESHOLD", "match_plan_item", "same_unit", "topic_similarity"]

THRESHOLD = 0.55
_NOISE = re.compile(r"[\s《》“”\"'‘’（）()、，,。:：\-—]|新闻发布会|发布会|专题|情况|工作")


def _bare_unit(name: str, config: Config) -> str:
    name = re.sub(r"\s+", "", name)
    for prefix in (config.city, config.city.removesuffix("市")):
        if prefix and name.startswith(prefix):
            name = name[len(prefix):]
    return name if name.startswith("市") else f"市{name}" if name else name


def same_unit(a: str, b: str, config: Config) -> bool:
    """Whether two ways of writing a unit name the same unit (aliases, the city prefix)."""
    if not a or not b:
        return False
    unit_a, unit_b = config.find_unit(a), config.find_unit(b)
    if unit_a is not None and unit_b is not None:
        return unit_a is unit_b
    known = unit_a or unit_b
    other = b if unit_a is not None else a
    if known is not None and _bare_unit(other, config) in {
            _bare_unit(n, config) for n in (known.name, *known.aliases)}:
        return True
    return _bare_unit(a, config) == _bare_unit(b, config)


def topic_similarity(title: str, topic: str, city: str = "") -> float:
    """0..1: how alike a conference title and a plan topic are."""
    a, b = (_NOISE.sub("", t.replace(city, "")) for t in (title, topic))
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def match_plan_item(plan: Plan, *, unit: str, title: str, month: int | None,
                    config: Config) -> PlanItem | None:
    """The plan item this conference is, or ``None`` (an unplanned conference)."""
    best: tuple[float, PlanItem] | None = None
    for item in plan.items:
        unit_score = 1.0 if any(same_unit(unit, u, config) for u in item.units) else 0.0
        topic_score = topic_similarity(title, item.topic, config.city) if title else 0.0
        if unit_score == 0.0 and topic_score < 0.8:
            continue
        month_score = 0.5 if month is None else 1 - min(abs(month - item.month), 3) / 3
        score = 0.5 * unit_score + 0.35 * topic_score + 0.15 * month_score
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, item)
    return best[1] if best else None
