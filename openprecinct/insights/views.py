from __future__ import annotations

import hashlib
from datetime import date

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.analytics import categories as cats
from openprecinct.analytics import compstat_render as render_
from openprecinct.core.audit import audit_record
from openprecinct.core.geography import boundaries_geojson
from openprecinct.core.pagecache import data_version
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


def _cache_seconds() -> int:
    from django.conf import settings

    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)  # 0 (tests): never cached


def _cache_key(request: HttpRequest, args: dict[str, object], today: date) -> str:
    """Who asks (sealed records, reclassifications), what, and the data's version."""
    return hashlib.sha256(
        repr((request.user.pk, data_version(), today, sorted(args.items()))).encode()
    ).hexdigest()


def _view(request: HttpRequest, today: date) -> tuple[CompStatView, str]:
    """The figures, and the key they are cached on ("" when caching is off)."""
    from django.conf import settings

    args = parse_compstat_request(request.GET, default_precinct=settings.OPENPRECINCT_PRECINCT)
    # The figures change only when data change, and every change writes an audit entry: cache
    # them per user (sealed records, reclassifications) on the audit log's sequence number.
    # Saves ~40 ms of CPU a page view (the load mix's analysts poll this page).
    seconds = _cache_seconds()
    if not seconds:
        return compstat_view(user=request.user, today=today, **args), ""  # type: ignore[arg-type]
    key = _cache_key(request, args, today)
    view = cache.get("insights:compstat:" + key)
    if view is None:
        view = compstat_view(user=request.user, today=today, **args)  # type: ignore[arg-type]
        cache.set("insights:compstat:" + key, view, seconds)
    return view, key


@require_GET
def compstat_page(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_compstat(request.user):
        return forbidden(request)
    today = timezone.localdate()
    try:
        view, key = _view(request, today)
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
        # The report tables are ~900 template includes (~30 ms): kept rendered on the same key.
        "fragment_seconds": _cache_seconds() if key else 0,
        "fragment_key": key,
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
    from openprecinct.insights.forecast_log import issue_forecast

    # every forecast shown is logged with its inputs (the same inputs on the same data: once)
    context["log"] = issue_forecast(
        user=request.user,
        precinct=settings.OPENPRECINCT_PRECINCT,
        category=result.category,
        method=str(context["chosen"]["method"]),  # type: ignore[index]
        cell_size=cell_size,
        horizon=result.horizon,
        as_of=as_of,
    )
    context["result"] = result
    context["boundaries"] = boundaries_geojson(precinct=settings.OPENPRECINCT_PRECINCT)
    _analysis_extras(request, context, result, as_of)
    return render(request, "insights/analysis.html", context)


def _analysis_extras(
    request: HttpRequest, context: dict[str, object], result: object, as_of: date
) -> None:
    """Backtest chart, bias audit, feedback loop and the forecast log under the map."""
    from django.conf import settings

    from openprecinct.insights.analysis import bias_audit, feedback_loop, precinct_backtest
    from openprecinct.insights.analysis_charts import coverage_svg

    chosen = context["chosen"]
    args = {
        "user": request.user,
        "precinct": settings.OPENPRECINCT_PRECINCT,
        "category": result.category,  # type: ignore[attr-defined]
        "method": chosen["method"],  # type: ignore[index]
        "cell_size": result.cell_size,  # type: ignore[attr-defined]
        "horizon": result.horizon,  # type: ignore[attr-defined]
        "as_of": as_of,
    }
    bt = precinct_backtest(**args)
    context["backtest"] = bt
    if bt.get("chart"):
        context["backtest_svg"] = coverage_svg(
            bt["chart"],
            coverages=bt["coverages"],
            title=f"Hit rate by coverage, {bt['test_start']} to {bt['test_end']}",
        )
    context["audit"] = bias_audit(**args)
    context["loop"] = feedback_loop(
        user=request.user, precinct=settings.OPENPRECINCT_PRECINCT, as_of=as_of
    )
    _log_context(context, settings.OPENPRECINCT_PRECINCT)


def _log_context(context: dict[str, object], precinct: str) -> None:
    from openprecinct.insights.forecast_log import log_summary
    from openprecinct.insights.models import ForecastLog

    logs = list(ForecastLog.objects.filter(precinct=precinct).select_related("issued_by")[:30])
    context["logs"] = logs
    context["log_summary"] = log_summary(logs)


@require_GET
def forecast_log_page(request: HttpRequest) -> HttpResponse:
    """Every logged forecast of the precinct and its score once its period is over."""
    from django.conf import settings

    if not perms.can_run_analysis(request.user):
        return forbidden(request)
    context: dict[str, object] = {}
    _log_context(context, settings.OPENPRECINCT_PRECINCT)
    return render(request, "insights/forecast_log.html", context)


@require_POST
def forecast_issue(request: HttpRequest) -> HttpResponse:
    """Log the forecast the analyst is looking at (the same inputs give the same entry)."""
    from django.conf import settings

    from openprecinct.insights.analysis import AnalysisError
    from openprecinct.insights.forecast_log import issue_forecast

    if not perms.can_run_analysis(request.user):
        return forbidden(request)
    try:
        log = issue_forecast(
            user=request.user,
            precinct=settings.OPENPRECINCT_PRECINCT,
            category=request.POST.get("category", ""),
            method=request.POST.get("method", "default"),
            cell_size=float(request.POST.get("cell_size", "150")),
            horizon=request.POST.get("horizon", "month"),
            as_of=date.fromisoformat(request.POST.get("as_of", "")),
        )
    except (AnalysisError, ValueError) as exc:
        messages.error(request, f"The forecast was not logged: {exc}")
        return redirect("insights:forecast_log")
    messages.success(request, f"Forecast {log.pk} logged; it can be scored from {log.period_end}.")
    return redirect("insights:forecast_log")


@require_POST
def forecast_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Score or withdraw one logged forecast."""
    from django.conf import settings

    from openprecinct.core.errors import ApplicationError
    from openprecinct.insights.forecast_log import score_forecast, withdraw_forecast
    from openprecinct.insights.models import ForecastLog

    if not perms.can_run_analysis(request.user):
        return forbidden(request)
    log = get_object_or_404(ForecastLog, pk=pk, precinct=settings.OPENPRECINCT_PRECINCT)
    try:
        if action == "score":
            score_forecast(log, today=timezone.localdate(), user=request.user)
            messages.success(request, f"Forecast {log.pk} scored.")
        else:
            withdraw_forecast(log, user=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"Forecast {log.pk} withdrawn.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("insights:forecast_log")


@require_GET
def briefing_page(request: HttpRequest) -> HttpResponse:
    """Printable patrol briefing: the tour's forecast cells with their recent incidents."""
    from django.conf import settings

    from openprecinct.insights.analysis import MAJORS, TOURS, AnalysisError, briefing

    if not perms.can_run_analysis(request.user):
        return forbidden(request)
    params = request.GET
    context: dict[str, object] = {
        "tours": TOURS,
        "chosen": {
            "category": params.get("category", MAJORS),
            "method": params.get("method", "default"),
            "cell_size": params.get("cell_size", "150"),
            "day": params.get("day", ""),
            "tour": params.get("tour", "2"),
        },
    }
    from openprecinct.insights.analysis import category_choices

    context["categories"] = category_choices()
    if "day" not in params:
        return render(request, "insights/briefing.html", context)
    try:
        day = date.fromisoformat(params["day"])
        cell_size = float(params.get("cell_size", "150"))
        data = briefing(
            user=request.user,
            precinct=settings.OPENPRECINCT_PRECINCT,
            category=context["chosen"]["category"],  # type: ignore[index]
            method=context["chosen"]["method"],  # type: ignore[index]
            cell_size=cell_size,
            day=day,
            tour=context["chosen"]["tour"],  # type: ignore[index]
        )
    except ValueError as exc:  # AnalysisError is a ValueError
        context["error"] = (
            str(exc)
            if isinstance(exc, AnalysisError)
            else "Give the day as a date (YYYY-MM-DD) and the cell size in metres."
        )
        return render(request, "insights/briefing.html", context, status=400)
    audit_record(
        action="analysis.briefing",
        object_type="analysis",
        object_id=data["method"],
        details={"day": data["day"], "tour": data["tour"], "category": data["category"]},
    )
    context["briefing"] = data
    context["boundaries"] = boundaries_geojson(precinct=settings.OPENPRECINCT_PRECINCT)
    return render(request, "insights/briefing.html", context)
