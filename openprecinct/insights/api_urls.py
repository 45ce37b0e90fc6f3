"""``/api/v1/analysis/``: forecasts, backtests, bias audit and the forecast log."""

from django.urls import path

from openprecinct.insights import api_analysis as api

urlpatterns = [
    path("hotspots/", api.HotspotsAPIView.as_view(), name="analysis_hotspots"),
    path("backtest/", api.BacktestAPIView.as_view(), name="analysis_backtest"),
    path("bias/", api.BiasAuditAPIView.as_view(), name="analysis_bias"),
    path("feedback-loop/", api.FeedbackLoopAPIView.as_view(), name="analysis_feedback_loop"),
    path("briefing/", api.BriefingAPIView.as_view(), name="analysis_briefing"),
    path("forecasts/", api.ForecastListAPIView.as_view(), name="analysis_forecasts"),
    path("forecasts/<int:pk>/", api.ForecastDetailAPIView.as_view(), name="analysis_forecast"),
    path(
        "forecasts/<int:pk>/score/",
        api.ForecastScoreAPIView.as_view(),
        name="analysis_forecast_score",
    ),
    path(
        "forecasts/<int:pk>/withdraw/",
        api.ForecastWithdrawAPIView.as_view(),
        name="analysis_forecast_withdraw",
    ),
]
