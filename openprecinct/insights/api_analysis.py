"""Crime analysis over the REST API (``/api/v1/analysis/``): forecasts, backtests, the bias
audit, the feedback-loop simulation, the patrol briefing and the forecast log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openprecinct.accounts import permissions as perms
from openprecinct.insights import analysis
from openprecinct.insights import forecast_log as flog
from openprecinct.insights.models import ForecastLog

COMMON = [
    OpenApiParameter("category", str, description="e.g. 'Seven major felonies' or 'Burglary'"),
    OpenApiParameter("method", str, description="a method name or 'default'"),
    OpenApiParameter("cell_size", float, description="metres, 50-1000 (default 150)"),
    OpenApiParameter("horizon", str, enum=["day", "week", "month"]),
    OpenApiParameter(
        "as_of", str, description="first day of the forecast (YYYY-MM-DD)", required=True
    ),
]


def _check(request: Request) -> None:
    if not perms.can_run_analysis(request.user):
        raise PermissionDenied("Your role can't run crime analysis.")


def _args(params: Any) -> dict[str, Any]:
    try:
        as_of = date.fromisoformat(str(params.get("as_of", "")))
    except ValueError:
        raise ValidationError(
            {"as_of": "Give the forecast start as a date (YYYY-MM-DD)."}
        ) from None
    try:
        cell_size = float(params.get("cell_size", 150))
    except (TypeError, ValueError):
        raise ValidationError({"cell_size": "The cell size must be a number of metres."}) from None
    return {
        "precinct": settings.OPENPRECINCT_PRECINCT,
        "category": str(params.get("category", analysis.MAJORS)),
        "method": str(params.get("method", "default")),
        "cell_size": cell_size,
        "horizon": str(params.get("horizon", "month")),
        "as_of": as_of,
    }


def _run(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except analysis.AnalysisError as exc:
        raise ValidationError({"query": str(exc)}) from None


class HotspotsAPIView(APIView):
    """A forecast for the next period: flagged cells with expected counts, and Gi* spots."""

    @extend_schema(parameters=COMMON, responses={200: dict})
    def get(self, request: Request) -> Response:
        _check(request)
        args = _args(request.query_params)
        r = _run(analysis.hotspot_map, user=request.user, **args)
        log = flog.issue_forecast(user=request.user, **args)  # every forecast is logged
        return Response(
            {
                "forecast_id": log.pk,
                "precinct": r.precinct,
                "category": r.category,
                "method": r.method,
                "params": r.params,
                "cell_size": r.cell_size,
                "horizon": r.horizon,
                "period_start": str(r.period_start),
                "period_end": str(r.period_end),
                "events": r.events,
                "cells": r.cells,
                "flagged": r.flagged,
                "top_cells": r.top_cells,
                "layers": r.layers,
                "warning": r.warning,
            }
        )


class BacktestAPIView(APIView):
    """Rolling-origin backtest on the precinct's records just before ``as_of``."""

    @extend_schema(parameters=COMMON, responses={200: dict})
    def get(self, request: Request) -> Response:
        _check(request)
        return Response(
            _run(analysis.precinct_backtest, user=request.user, **_args(request.query_params))
        )


class BiasAuditAPIView(APIView):
    """Flagged cells per sector and per census area against residents and reported crime."""

    @extend_schema(parameters=COMMON, responses={200: dict})
    def get(self, request: Request) -> Response:
        _check(request)
        return Response(_run(analysis.bias_audit, user=request.user, **_args(request.query_params)))


class FeedbackLoopAPIView(APIView):
    """The Ensign et al. feedback-loop simulation on the precinct's sectors."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, required=True, description="YYYY-MM-DD")],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        _check(request)
        args = _args(request.query_params)
        return Response(
            analysis.feedback_loop(
                user=request.user, precinct=args["precinct"], as_of=args["as_of"]
            )
        )


class BriefingAPIView(APIView):
    """The patrol briefing of one tour: cells, expected counts and recent incidents."""

    @extend_schema(
        parameters=[
            OpenApiParameter("day", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("tour", str, enum=list(analysis.TOURS)),
            OpenApiParameter("category", str),
            OpenApiParameter("method", str),
            OpenApiParameter("cell_size", float),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        _check(request)
        q = request.query_params
        params = {**q.dict(), "as_of": q.get("day", "")}
        args = _args(params)
        return Response(
            _run(
                analysis.briefing,
                user=request.user,
                precinct=args["precinct"],
                category=args["category"],
                method=args["method"],
                cell_size=args["cell_size"],
                day=args["as_of"],
                tour=str(q.get("tour", "2")),
            )
        )


class ForecastIssueSerializer(serializers.Serializer):
    category = serializers.CharField(default=analysis.MAJORS)
    method = serializers.CharField(default="default")
    cell_size = serializers.FloatField(default=150.0)
    horizon = serializers.ChoiceField(choices=list(analysis.HORIZONS), default="month")
    as_of = serializers.DateField()


class ForecastListAPIView(APIView):
    """The forecast log: list it, or issue (and log) a forecast."""

    @extend_schema(operation_id="analysis_forecasts_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        _check(request)
        logs = list(
            ForecastLog.objects.filter(precinct=settings.OPENPRECINCT_PRECINCT).select_related(
                "issued_by"
            )[:200]
        )
        return Response(
            {
                "summary": flog.log_summary(logs),
                "results": [flog.log_as_dict(lg) for lg in logs],
            }
        )

    @extend_schema(request=ForecastIssueSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        _check(request)
        ser = ForecastIssueSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        log = _run(
            flog.issue_forecast,
            user=request.user,
            precinct=settings.OPENPRECINCT_PRECINCT,
            **ser.validated_data,
        )
        return Response(flog.log_as_dict(log, cells=True), status=status.HTTP_201_CREATED)


def _log(pk: int) -> ForecastLog:
    return get_object_or_404(ForecastLog, pk=pk, precinct=settings.OPENPRECINCT_PRECINCT)


class ForecastDetailAPIView(APIView):
    """One logged forecast with its flagged cells and, once scored, its scores."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        _check(request)
        return Response(flog.log_as_dict(_log(pk), cells=True))


class ForecastScoreAPIView(APIView):
    """Score a logged forecast against the reports of its period (once it is over)."""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        _check(request)
        log = flog.score_forecast(_log(pk), today=timezone.localdate(), user=request.user)
        return Response(flog.log_as_dict(log))


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ForecastWithdrawAPIView(APIView):
    """Withdraw an issued forecast, saying why."""

    @extend_schema(request=WithdrawSerializer, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        _check(request)
        ser = WithdrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        log = flog.withdraw_forecast(
            _log(pk), user=request.user, reason=ser.validated_data["reason"]
        )
        return Response(flog.log_as_dict(log))
