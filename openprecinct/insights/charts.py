"""Small server-side SVG charts: no chart library, no script, nothing for the CSP to block."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from openprecinct.analytics.compstat_stats import TrendWeek

WIDTH, HEIGHT, PAD = 720, 220, 32


def trend_svg(trend: Sequence[TrendWeek], *, title: str) -> str:
    """Weekly counts as a line over the seasonal range (baseline ± 2 s.d.) as a band."""
    if not trend:
        return ""
    top = max([w.count for w in trend] + [w.upper for w in trend if w.upper is not None] + [1])
    n = len(trend)

    def x(i: int) -> float:
        return PAD + i * (WIDTH - 2 * PAD) / max(n - 1, 1)

    def y(v: float) -> float:
        return HEIGHT - PAD - v * (HEIGHT - 2 * PAD) / top

    band_top = [(x(i), y(w.upper)) for i, w in enumerate(trend) if w.upper is not None]
    band_bottom = [(x(i), y(w.lower or 0)) for i, w in enumerate(trend) if w.upper is not None][
        ::-1
    ]
    band = " ".join(f"{a:.1f},{b:.1f}" for a, b in band_top + band_bottom)
    line = " ".join(f"{x(i):.1f},{y(w.count):.1f}" for i, w in enumerate(trend))
    above = [
        f'<circle cx="{x(i):.1f}" cy="{y(w.count):.1f}" r="4" class="above">'
        f"<title>week ending {w.week_end}: {w.count} (above the seasonal range)</title></circle>"
        for i, w in enumerate(trend)
        if w.flag == "above seasonal range"
    ]
    labels = [
        f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle">{w.week_end:%b %d}</text>'
        for i, w in enumerate(trend)
        if i % max(n // 6, 1) == 0 or i == n - 1
    ]
    last = trend[-1]
    summary = (
        f"{escape(title)}: {n} weeks ending {last.week_end}; last week {last.count}"
        + (f", seasonal baseline {last.baseline:.1f}" if last.baseline is not None else "")
        + f" ({last.flag})."
    )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{summary}">'
        f"<title>{summary}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<text x="4" y="{y(top):.1f}">{top:.0f}</text><text x="4" y="{HEIGHT - PAD}">0</text>'
        + (f'<polygon points="{band}" class="band"/>' if band_top else "")
        + f'<polyline points="{line}" class="line"/>'
        + "".join(above)
        + "".join(labels)
        + "</svg>"
    )
