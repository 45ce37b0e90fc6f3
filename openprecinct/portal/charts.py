"""Server-side SVG bar charts of public tables: no script, nothing for the CSP to block.

A chart draws one column of a :class:`PublicTable` against another; hidden figures are drawn
as an empty outlined bar labelled with what the table says (``<5`` or ``withheld``). Each
bar carries its figure in ``data-value``, the same text as the table cell and the CSV.
"""

from __future__ import annotations

from html import escape

from openprecinct.portal.tables import PublicTable, text

WIDTH, HEIGHT, PAD, LEFT = 720, 240, 28, 44


def bar_svg(table: PublicTable, *, x: str, y: str, title: str, unit: str = "") -> str:
    points = [(text(r.get(x)), r.get(y)) for r in table.rows]
    if not points:
        return ""
    numbers = [v for _, v in points if isinstance(v, int | float)]
    top = max(numbers + [1])
    n = len(points)
    step = (WIDTH - LEFT - PAD) / n
    bar = max(step * 0.7, 1.0)

    def height(v: float) -> float:
        return v * (HEIGHT - 2 * PAD) / top

    parts = []
    for i, (label, value) in enumerate(points):
        left = LEFT + i * step + (step - bar) / 2
        shown = text(value)
        if isinstance(value, int | float):
            h = height(float(value))
            parts.append(
                f'<rect class="bar" x="{left:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" data-label="{escape(label)}" data-value="{escape(shown)}">'
                f"<title>{escape(label)}: {escape(shown)}{escape(unit)}</title></rect>"
            )
        else:
            h = height(top * 0.06)
            parts.append(
                f'<rect class="bar hidden-bar" x="{left:.1f}" y="{HEIGHT - PAD - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" data-label="{escape(label)}" '
                f'data-value="{escape(shown)}"><title>{escape(label)}: {escape(shown or "no figure")}'
                "</title></rect>"
            )
        if i % max(n // 8, 1) == 0 or i == n - 1:
            parts.append(
                f'<text x="{left + bar / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    shown_values = [text(v) for _, v in points]
    summary = (
        f"{escape(title)}: {n} bars from {escape(points[0][0])} ({escape(shown_values[0])}) "
        f"to {escape(points[-1][0])} ({escape(shown_values[-1])}). The table below has every figure."
    )
    return (
        f'<svg class="chart portal-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{summary}"><title>{summary}</title>'
        f'<line x1="{LEFT}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<text x="4" y="{PAD + 4}">{top:g}{escape(unit)}</text>'
        f'<text x="4" y="{HEIGHT - PAD}">0</text>' + "".join(parts) + "</svg>"
    )
