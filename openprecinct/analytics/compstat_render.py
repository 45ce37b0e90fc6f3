"""CompStat reports as text table, CSV, JSON and PDF (NYPD's weekly layout).

PDF pages are rendered by WeasyPrint from an HTML string built here with ``html.escape``
(no template engine), one page per geography.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from openprecinct.analytics.categories import TOTAL_MAJOR_SEVEN
from openprecinct.analytics.compstat import PERIODS, CompStatReport, report_to_dict

UNDEFINED_PCT = "***.*"  # NYPD's mark for a % change from zero
NOT_COVERED = "n/c"  # the data do not reach back to this period


def geography_title(report: CompStatReport) -> str:
    """Heading of a report: "120th Precinct", "Sector 120A", "Citywide"..."""
    if report.level == "precinct" and report.geography.isdigit():
        number = int(report.geography)
        suffix = (
            "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        return f"{number}{suffix} Precinct"
    if report.level == "sector":
        return f"Sector {report.geography}"
    if report.level == "city":
        return "Citywide"
    return report.geography


def _count(value: int | None) -> str:
    return NOT_COVERED if value is None else f"{value:,}"


def _pct(value: float | None, *, covered: bool, decimals: int = 1) -> str:
    if not covered:
        return NOT_COVERED
    return UNDEFINED_PCT if value is None else f"{value:.{decimals}f}"


def _day(value: Any) -> str:
    return f"{value.month}/{value.day}/{value.year}"


def _rows(report: CompStatReport) -> list[list[str]]:
    rows = []
    for line in report.lines:
        decimals = 2 if line.category == TOTAL_MAJOR_SEVEN else 1
        row = [line.category]
        for period in PERIODS:
            current = getattr(line, f"{period}_current")
            prior = getattr(line, f"{period}_prior")
            row += [
                _count(current),
                _count(prior),
                _pct(
                    getattr(line, f"{period}_pct_change"),
                    covered=current is not None and prior is not None,
                    decimals=decimals,
                ),
            ]
        for hist in line.history:
            row.append(_pct(hist.pct_change, covered=hist.count is not None, decimals=decimals))
        test = line.test("d28")
        row.append(test.flag if test is not None else "")
        rows.append(row)
    return rows


def _headers(report: CompStatReport) -> tuple[list[str], list[str]]:
    year = report.week_end.year
    first = ["", "Week to Date", "", "", "28 Day", "", "", "Year to Date", "", ""]
    second = ["", str(year), str(year - 1), "% Chg"]
    second += [str(year), str(year - 1), "% Chg", str(year), str(year - 1), "% Chg"]
    history = report.lines[0].history if report.lines else ()
    for hist in history:
        first.append(f"{hist.years} Year")
        second.append(f"% Chg ({hist.year})" if hist.years > 2 else "% Chg")
    first.append("28-day change")
    second.append("(exact test)")
    return first, second


def render_table(reports: Sequence[CompStatReport]) -> str:
    """Fixed-width text in the layout of NYPD's weekly report."""
    out = []
    for report in reports:
        first, second = _headers(report)
        rows = _rows(report)
        widths = [max(len(r[i]) for r in [first, second, *rows]) for i in range(len(first))]
        title = f"CompStat  {geography_title(report)}"
        out.append(title)
        out.append(
            f"Report Covering the Week {_day(report.week_start)} Through {_day(report.week_end)}"
            f"  (records dated by {report.date_field} date; source: {report.source})"
        )
        for header in (first, second):
            out.append(
                "  ".join(
                    h.ljust(w) if i == 0 else h.rjust(w)
                    for i, (h, w) in enumerate(zip(header, widths, strict=True))
                ).rstrip()
            )
        for row in rows:
            out.append(
                "  ".join(
                    c.ljust(w) if i in (0, len(row) - 1) else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
        out.append(f"{UNDEFINED_PCT} = % change from zero;  {NOT_COVERED} = not covered by data.")
        out.extend(report.notes)
        if report.perspective is not None:
            out.append("")
            out.extend(_perspective_rows_text(report))
        out.append("")
    return "\n".join(out)


def _perspective_table(report: CompStatReport) -> list[list[str]]:
    perspective = report.perspective
    if perspective is None or not perspective.lines:
        return []
    first = perspective.lines[0]
    last = str(perspective.last_year)[2:]
    header = ["", *(str(y) for y, _ in first.counts)]
    header += [f"%Chg '{last} vs '{str(y)[2:]}" for y, _ in first.changes]
    rows = [header]
    for line in perspective.lines:
        rows.append(
            [line.category]
            + [_count(c) if c is not None else "-" for _, c in line.counts]
            + [_pct(p, covered=dict(line.counts).get(y) is not None) for y, p in line.changes]
        )
    return rows


def _perspective_rows_text(report: CompStatReport) -> list[str]:
    rows = _perspective_table(report)
    if not rows or report.perspective is None:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [f"Historical Perspective -- {report.perspective.source}"]
    for row in rows:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    out.extend(report.perspective.notes)
    return out


def render_json(reports: Sequence[CompStatReport]) -> str:
    """The stable JSON contract: a list with one object per geography."""
    return json.dumps([report_to_dict(r) for r in reports], indent=2) + "\n"


def render_csv(reports: Sequence[CompStatReport]) -> str:
    """One CSV row per geography and line, with the JSON line keys as columns."""
    buffer = io.StringIO()
    writer: Any = None
    for report in reports:
        data = report_to_dict(report)
        for line in data["lines"]:
            row = {
                "geography": data["geography"],
                "level": data["level"],
                "week_start": data["week_start"],
                "week_end": data["week_end"],
                **line,
            }
            if writer is None:
                writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


_CSS = """
@page { size: letter landscape; margin: 1cm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 7pt; color: #111; }
section { page-break-after: always; }
section:last-child { page-break-after: auto; }
header { display: flex; justify-content: space-between; align-items: baseline; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 12pt; margin: 0; }
p.week { text-align: center; font-size: 11pt; margin: 3pt 0; }
p.source { text-align: center; font-size: 7pt; margin: 0 0 2pt; }
p.sub { text-align: center; font-weight: bold; margin: 2pt 0 6pt; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 0.4pt 3pt; text-align: right; border-bottom: 0.5pt solid #ccc; }
th.block { text-align: center; border-bottom: 0.8pt solid #555; }
table.perspective { font-size: 6.5pt; width: 75%; margin: 0 auto; }
th { background: #e8eef7; }
td.cat, th.cat { text-align: left; font-weight: bold; }
tr.total td { border-top: 1pt solid #111; border-bottom: 1pt solid #111; font-weight: bold; }
td.flag { text-align: left; font-size: 6.5pt; color: #444; }
footer { margin-top: 6pt; font-size: 6.5pt; color: #333; }
footer p { margin: 2pt 0; }
"""


def render_html(reports: Sequence[CompStatReport]) -> str:
    """One HTML document, one ``<section>`` (printed page) per geography."""
    esc = html.escape
    sections = []
    for report in reports:
        first, second = _headers(report)
        spans = ['<th class="cat"></th>']
        spans += [
            f'<th colspan="3" class="block">{esc(name)}</th>'
            for name in ("Week to Date", "28 Day", "Year to Date")
        ]
        spans += [f"<th>{esc(h)}</th>" for h in first[10:]]
        head = "<tr>" + "".join(spans) + "</tr>"
        head += (
            "<tr>"
            + "".join(
                '<th class="cat"></th>' if i == 0 else f"<th>{esc(h)}</th>"
                for i, h in enumerate(second)
            )
            + "</tr>"
        )
        body = []
        for row in _rows(report):
            css = ' class="total"' if row[0] == TOTAL_MAJOR_SEVEN else ""
            cells = [f'<td class="cat">{esc(row[0])}</td>']
            cells += [f"<td>{esc(c)}</td>" for c in row[1:-1]]
            cells.append(f'<td class="flag">{esc(row[-1])}</td>')
            body.append(f"<tr{css}>{''.join(cells)}</tr>")
        notes = "".join(f"<p>{esc(n)}</p>" for n in report.notes)
        perspective = ""
        table = _perspective_table(report)
        if table and report.perspective is not None:
            head_row = "".join(f"<th>{esc(h)}</th>" for h in table[0])
            body_rows = "".join(
                "<tr>"
                + f'<td class="cat">{esc(r[0])}</td>'
                + "".join(f"<td>{esc(c)}</td>" for c in r[1:])
                + "</tr>"
                for r in table[1:]
            )
            perspective = (
                '<p class="sub">Historical Perspective</p>'
                f'<p class="source">({esc(report.perspective.source)})</p>'
                f'<table class="perspective"><thead><tr>{head_row}</tr></thead>'
                f"<tbody>{body_rows}</tbody></table>"
                + "".join(f"<p>{esc(n)}</p>" for n in report.perspective.notes)
            )
        sections.append(
            "<section>"
            f"<header><h1>CompStat</h1><h2>{esc(geography_title(report))}</h2></header>"
            f'<p class="week">Report Covering the Week {esc(_day(report.week_start))} '
            f"Through {esc(_day(report.week_end))}</p>"
            '<p class="sub">Crime Complaints</p>'
            f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
            f"{perspective}"
            "<footer>"
            f"<p>Records dated by {esc(report.date_field)} date. Source: "
            f"{esc(report.source)}. {esc(UNDEFINED_PCT)} = % change from zero; "
            f"{esc(NOT_COVERED)} = period not covered by the data. Prior-year columns cover "
            "the same calendar dates one year earlier. The last column reads the exact "
            "Poisson test of the 28-day change.</p>"
            f"{notes}<p>Prepared with OpenPrecinct.</p></footer>"
            "</section>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>CompStat</title><style>{_CSS}</style></head><body>"
        + "".join(sections)
        + "</body></html>"
    )


def render_pdf(reports: Sequence[CompStatReport]) -> bytes:
    """PDF bytes, one page per geography, via WeasyPrint."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(reports)).write_pdf()
    return pdf
