"""The public transparency portal: pages, CSV downloads and the map's GeoJSON. No login.

Every figure comes from :func:`openprecinct.portal.datasets.table` (privacy rules applied,
cached), and every table on a page links to its own CSV with the same query.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from openprecinct.portal import charts, datasets, privacy
from openprecinct.portal.datasets import DATASETS, BadQuery
from openprecinct.portal.tables import PublicTable

# Downloads carry no one's session: shared caches may keep them. Pages are not marked public
# (a signed-in staff member's name is in the page header).
PUBLIC_CACHE = cache_control(public=True, max_age=300)


def _block(
    slug: str,
    params: dict[str, Any],
    *,
    filters: dict[str, str] | None = None,
    title: str = "",
    link: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A table ready for ``portal/_table.html``: the table, its CSV and JSON links."""
    table = datasets.table(slug, params)
    if filters:
        table = table.filtered(filters)
    query = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items() if v}
    query.update(link or {})
    query.update(filters or {})
    qs = ("?" + urlencode(query)) if query else ""
    return {
        "table": table,
        "title": title or table.title,
        "spec": DATASETS[slug],
        "csv": reverse("portal:download", args=[slug]) + qs,
        "api": reverse("v1:public_dataset", args=[slug]) + qs,
        "numeric": [c.kind in ("count", "public_count", "measure") for c in table.columns],
    }


def _query(params: dict[str, Any]) -> str:
    return urlencode(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items() if v}
    )


def _bad(request: HttpRequest, template: str, exc: BadQuery) -> HttpResponse:
    return render(request, template, {"error": str(exc)}, status=400)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    def maybe(name: str) -> str:
        try:
            return reverse(name)
        except NoReverseMatch:  # the app that serves it is not installed
            return ""

    return render(
        request,
        "portal/index.html",
        {
            "precinct": settings.OPENPRECINCT_PRECINCT,
            "drones": maybe("drones:flight_log"),
            "community": "/portal/community/",
            "complaint_form": "/portal/accountability/",
        },
    )


def _sectors(table: PublicTable) -> list[str]:
    return sorted({r["geography"] for r in table.rows if r["level"] == "sector"})


@require_GET
def compstat(request: HttpRequest) -> HttpResponse:
    try:
        params = datasets.parse_params("compstat", request.GET)
    except BadQuery as exc:
        return _bad(request, "portal/compstat.html", exc)
    full = datasets.table("compstat", params)
    sector = (request.GET.get("sector") or "").strip().upper()
    sectors = _sectors(full)
    if sector and sector not in sectors:
        return render(
            request,
            "portal/compstat.html",
            {"error": f"There is no sector {sector}. Sectors: {', '.join(sectors) or 'none yet'}."},
            status=400,
        )
    week = next((n.split("=", 1)[1] for n in full.notes if n.startswith("week_ending=")), "")
    link = {"week_ending": week}
    geographies = [sector] if sector else [settings.OPENPRECINCT_PRECINCT, *sectors]
    blocks = [
        _block(
            "compstat",
            params,
            filters={"geography": g},
            title=f"Sector {g}" if g != settings.OPENPRECINCT_PRECINCT else f"Precinct {g}",
            link=link,
        )
        for g in geographies
    ]
    context: dict[str, Any] = {
        "blocks": blocks,
        "sector": sector,
        "sectors": sectors,
        "week": week,
        "notes": [n for n in full.notes if not n.startswith("week_ending=")],
        "precinct": settings.OPENPRECINCT_PRECINCT,
    }
    if not sector:
        trend = _block("compstat-trend", params, link=link)
        context["trend"] = trend
        context["trend_svg"] = charts.bar_svg(
            trend["table"],
            x="week_ending",
            y="major_felonies",
            title="Seven major felonies per week",
        )
    return render(request, "portal/compstat.html", context)


@require_GET
def crime_map(request: HttpRequest) -> HttpResponse:
    from openprecinct.core.geography import boundaries_geojson

    try:
        params = datasets.parse_params("crime-counts", request.GET)
    except BadQuery as exc:
        return _bad(request, "portal/map.html", exc)
    points = datasets.map_points(params)
    return render(
        request,
        "portal/map.html",
        {
            "counts": _block("crime-counts", params),
            "points": points,
            "points_url": reverse("portal:points") + "?" + _query(params),
            "query": _query(params),
            "days": params["days"],
            "end": params["end"].isoformat() if params["end"] else "",
            "windows": datasets.MAP_WINDOWS,
            "boundaries": boundaries_geojson(precinct=settings.OPENPRECINCT_PRECINCT),
            "rules": _rules(),
        },
    )


@require_GET
@PUBLIC_CACHE
def points_geojson(request: HttpRequest) -> HttpResponse:
    try:
        params = datasets.parse_params("map-points", request.GET)
    except BadQuery as exc:
        return JsonResponse(
            {"error": {"code": "bad_query", "message": str(exc), "details": {}}}, status=400
        )
    response = JsonResponse(datasets.map_points(params), content_type="application/geo+json")
    response["Content-Disposition"] = f'inline; filename="map-points-{params["days"]}d.geojson"'
    return response


def _simple(template: str, *sections: tuple[str, str]) -> Any:
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        blocks = []
        for slug, chart in sections:
            block = _block(slug, {})
            block["show_notes"] = True
            if chart and block["table"].rows:
                x, y, title = chart.split("|")
                block["svg"] = charts.bar_svg(
                    block["table"].filtered(_chart_filter(slug)), x=x, y=y, title=title
                )
            blocks.append(block)
        return render(request, template, {"blocks": blocks})

    return view


def _chart_filter(slug: str) -> dict[str, str]:
    return {"priority": "all"} if slug == "response-times" else {}


revisions = _simple("portal/revisions.html", ("revisions", ""))
response_times = _simple(
    "portal/response_times.html",
    ("response-times", "month|response_median_s|Median response time, all calls, by month"),
)
calls = _simple("portal/calls.html", ("calls-for-service", ""))
accountability = _simple(
    "portal/accountability.html",
    ("complaints", ""),
    ("time-to-close", ""),
    ("use-of-force", ""),
    ("recommendations", ""),
)
community_outcomes = _simple(
    "portal/community_outcomes.html",
    ("community-meetings", ""),
    ("community-problems", "month|solved|Problems solved per month"),
    ("community-survey", ""),
)
training = _simple("portal/training.html", ("training", ""))


def _rules() -> list[dict[str, str]]:
    rows = [
        {"what": cat, "rule": rule, "text": privacy.RULE_TEXT[rule]}
        for cat, rule in sorted(privacy.CATEGORY_RULES.items())
    ]
    rows += [
        {"what": cat, "rule": privacy.COUNTS, "text": privacy.RULE_TEXT[privacy.COUNTS]}
        for cat in sorted(privacy.SENSITIVE_CATEGORIES)
    ]
    return rows


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    ledgers = []
    for slug in datasets.TABLE_SLUGS:
        table = datasets.table(slug, datasets.parse_params(slug, {}))
        if table.available:
            ledgers.append({"slug": slug, "title": DATASETS[slug].title, **table.ledger})
    points = datasets.map_points(datasets.parse_params("map-points", {}))
    records = points["privacy"]["records"]
    total = sum(r["records"] for r in records)
    shares = [{**r, "share": round(100 * r["records"] / total, 1)} for r in records]
    return render(
        request,
        "portal/methodology.html",
        {
            "map_ledger": shares,
            "map_total": total,
            "rules": _rules(),
            "rule_text": privacy.RULE_TEXT,
            "ledgers": ledgers,
            "points": points,
            "threshold": privacy.THRESHOLD,
            "words": privacy.SENSITIVE_WORDS.pattern.replace("|", ", "),
            "offset": privacy.OFFSET_RADIUS_M,
            "offset_min": privacy.OFFSET_RADIUS_M * privacy.OFFSET_MIN_SHARE,
            "block": privacy.BLOCK_M,
        },
    )


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    entries = []
    for spec in DATASETS.values():
        download = (
            reverse("portal:points")
            if spec.slug == "map-points"
            else reverse("portal:download", args=[spec.slug])
        )
        entries.append({"spec": spec, "download": download})
    return render(request, "portal/data.html", {"entries": entries})


@require_GET
@PUBLIC_CACHE
def download(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in DATASETS or slug == "map-points":
        raise Http404("no such dataset")
    try:
        params = datasets.parse_params(slug, request.GET)
    except BadQuery as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    table = datasets.table(slug, params)
    filters = {k: v for k, v in request.GET.items() if k not in ("week_ending", "days", "end")}
    table = table.filtered(filters)
    response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.csv"'
    response["X-Data-Version"] = table.version
    return response
