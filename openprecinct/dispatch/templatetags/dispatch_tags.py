"""Small formatting filters for the dispatch pages (times as m:ss, shares as percentages)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def mmss(seconds: Any) -> str:
    if seconds is None or seconds != seconds:
        return "—"
    total = int(round(float(seconds)))
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def get(mapping: Any, key: str) -> Any:
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"


@register.filter
def maxpct(values: Any) -> str:
    return pct(max(values)) if len(values) else "—"


@register.filter
def response_min(result: Any) -> float:
    return float(result.mean_queue_wait + result.mean_travel_time)


@register.filter
def mul(value: Any, factor: Any) -> float:
    return float(value) * float(factor)


@register.filter
def scale(percent: Any, height: Any) -> float:
    return round(float(percent) * float(height) / 100, 1)


@register.filter
def invert(percent: Any, height: Any) -> float:
    """The y of a bar's top in a chart ``height`` high (SVG counts from the top)."""
    return round(float(height) - float(percent) * float(height) / 100, 1)


@register.filter
def split(text: str) -> list[str]:
    return text.split()
