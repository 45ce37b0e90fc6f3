"""The analysis page's backtest chart: hit rate by coverage, server-side SVG (no script)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT, PAD = 560, 240, 40
STYLES = {"oracle": "oracle", "naive": "baseline", "naivelong": "baseline2"}


def coverage_svg(
    series: Mapping[str, Sequence[float | None]], *, coverages: Sequence[float], title: str
) -> str:
    """One line per method: mean hit rate (fraction) at each coverage (percent of cells)."""
    if not series or not coverages:
        return ""
    top_cov = max(coverages)

    def x(c: float) -> float:
        return PAD + c * (WIDTH - 2 * PAD) / top_cov

    def y(v: float) -> float:
        return HEIGHT - PAD - v * (HEIGHT - 2 * PAD)

    parts = []
    legend = []
    for k, (name, values) in enumerate(series.items()):
        pts = [(c, v) for c, v in zip(coverages, values, strict=False) if v is not None]
        if not pts:
            continue
        cls = STYLES.get(name, "line")
        line = " ".join(f"{x(c):.1f},{y(v):.1f}" for c, v in [(0.0, 0.0), *pts])
        parts.append(
            f'<polyline points="{line}" class="{cls}"><title>{escape(name)}</title></polyline>'
        )
        for c, v in pts:
            parts.append(
                f'<circle cx="{x(c):.1f}" cy="{y(v):.1f}" r="3" class="{cls}">'
                f"<title>{escape(name)}: {v * 100:.1f}% of events in {c:g}% of cells</title></circle>"
            )
        legend.append(
            f'<text x="{WIDTH - PAD - 150}" y="{PAD + 14 * k}" class="{cls}">{escape(name)}</text>'
        )
    ticks = [
        f'<text x="{x(c):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">{c:g}%</text>'
        for c in coverages
    ]
    yt = [
        f'<text x="4" y="{y(v) + 4:.1f}">{v * 100:.0f}%</text>' for v in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    summary = (
        escape(title)
        + ": "
        + "; ".join(
            f"{escape(n)} "
            + ", ".join(
                f"{v * 100:.0f}% at {c:g}%"
                for c, v in zip(coverages, vs, strict=False)
                if v is not None
            )
            for n, vs in series.items()
        )
    )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{summary}">'
        f"<title>{summary}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<line x1="{PAD}" y1="{PAD / 2}" x2="{PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        + "".join(yt)
        + "".join(ticks)
        + "".join(parts)
        + "".join(legend)
        + "</svg>"
    )
