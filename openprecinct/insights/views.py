from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from openprecinct.accounts import permissions as perms
from openprecinct.analytics import categories as cats
from openprecinct.analytics import compstat_render as render_
from openprecinct.core.audit import audit_record
from openprecinct.core.geography import boundaries_geojson
from openprecinct.core.views import forbidden
from openprecinct.insights.charts import trend_svg
from openprecinct.insights.compstat import CompStatView, compstat_view


class BadRequest(ValueError):
    pass


def parse_compstat_request(params: object, *, default_precinct: str) -> dict[str, object]:
    """Read precinct, sector, week and date field from a query string; say what is wrong."""
    get = params.get
    precinct = (get("precinct") or default_precinct).strip()
    sector = (get("sector") or "").strip().upper()
    if not precinct.isdigit():
        raise BadRequest(f"precinct must be a number such as 120. Got {precinct!r}.")
    if sector and not sector.startswith(precinct):
        raise BadRequest(f"sector {sector} is not in precinct {precinct}.")
    week = get("week_ending") or ""
    week_ending = None
    if week:
        try:
            week_ending = date.fromisoformat(week)
        except ValueError:
            raise BadRequest(f"week_ending must be a date like 2015-06-28. Got {week!r}.") from None
        if week_ending.weekday() != 6:
            raise BadRequest(
                f"week_ending must be a Sunday (CompStat weeks run Monday to Sunday); "
                f"{week_ending} is a {week_ending:%A}."
            )
    date_field = get("date_field") or "occurrence"
    if date_field not in ("occurrence", "report"):
        raise BadRequest("date_field must be occurrence or report.")
    return {
        "precinct": precinct,
        "sector": sector,
        "week_ending": week_ending,
        "date_field": date_field,
    }


def _view(request: HttpRequest) -> CompStatView:
    from django.conf import settings

    args = parse_compstat_request(request.GET, default_precinct=settings.OPENPRECINCT_PRECINCT)
    return compstat_view(user=request.user, today=timezone.localdate(), **args)  # type: ignore[arg-type]


@require_GET
def compstat_page(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_compstat(request.user):
        return forbidden(request)
    try:
        view = _view(request)
    except BadRequest as exc:
        return render(request, "insights/compstat.html", {"error": str(exc)}, status=400)
    fmt = request.GET.get("format", "")
    if fmt:
        return _download(request, view, fmt)
    main = view.reports[0]
    boundaries = boundaries_geojson(precinct=view.precinct)
    for feature in boundaries["features"]:
        label = feature["properties"]["label"]
        feature["properties"]["ytd_pct_change"] = view.sector_changes.get(label)
    title = f"Seven major felonies, {'sector ' + view.sector if view.sector else 'precinct ' + view.precinct}"
    context = {
        "view": view,
        "main": main,
        "reports": view.as_dicts(),
        "sectors": sorted(view.sector_changes),
        "trend_svg": trend_svg(view.trend, title=title),
        "trend_title": title,
        "map_data": boundaries,
        "total_line": cats.TOTAL_MAJOR_SEVEN,
    }
    return render(request, "insights/compstat.html", context)


def _download(request: HttpRequest, view: CompStatView, fmt: str) -> HttpResponse:
    name = f"compstat_{view.sector or view.precinct}_{view.week_ending}"
    audit_record(
        action="compstat.download", object_type="compstat", object_id=name, details={"format": fmt}
    )
    if fmt == "pdf":
        response = HttpResponse(render_.render_pdf(view.reports), content_type="application/pdf")
    elif fmt == "csv":
        response = HttpResponse(
            render_.render_csv(view.reports), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = HttpResponse(render_.render_json(view.reports), content_type="application/json")
    else:
        return HttpResponse(
            "format must be pdf, csv or json", status=400, content_type="text/plain"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def analysis_page(request: HttpRequest) -> HttpResponse:
    """The analyst's hotspot map: forecast cells for the next week or month, and Gi* spots."""
    from django.conf import settings

    from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS
    from openprecinct.insights.analysis import (
        HORIZONS,
        MAJORS,
        AnalysisError,
        category_choices,
        hotspot_map,
    )

    if not perms.can_run_analysis(request.user):
        return forbidden(request)
    params = request.GET
    context: dict[str, object] = {
        "categories": category_choices(),
        "methods": ["default", *METHODS],
        "default_method": DEFAULT_METHOD,
        "horizons": list(HORIZONS),
        "chosen": {
            "category": params.get("category", MAJORS),
            "method": params.get("method", "default"),
            "cell_size": params.get("cell_size", "150"),
            "horizon": params.get("horizon", "month"),
            "as_of": params.get("as_of", ""),
        },
    }
    if "as_of" not in params:
        return render(request, "insights/analysis.html", context)
    try:
        as_of = date.fromisoformat(params["as_of"])
        cell_size = float(params.get("cell_size", "150"))
    except ValueError:
        context["error"] = (
            "Give the forecast start as a date (YYYY-MM-DD) and the cell size in metres."
        )
        return render(request, "insights/analysis.html", context, status=400)
    try:
        result = hotspot_map(
            user=request.user,
            precinct=settings.OPENPRECINCT_PRECINCT,
            category=str(context["chosen"]["category"]),  # type: ignore[index]
            method=str(context["chosen"]["method"]),  # type: ignore[index]
            cell_size=cell_size,
            horizon=str(context["chosen"]["horizon"]),  # type: ignore[index]
            as_of=as_of,
        )
    except AnalysisError as exc:
        context["error"] = str(exc)
        return render(request, "insights/analysis.html", context, status=400)
    audit_record(
        action="analysis.hotspots",
        object_type="analysis",
        object_id=result.method,
        details={"category": result.category, "as_of": str(as_of), "events": result.events},
    )
    context["result"] = result
    context["boundaries"] = boundaries_geojson(precinct=settings.OPENPRECINCT_PRECINCT)
    return render(request, "insights/analysis.html", context)
