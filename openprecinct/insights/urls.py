from django.urls import path

from openprecinct.insights import views

app_name = "insights"
urlpatterns = [
    path("compstat/", views.compstat_page, name="compstat"),
    path("analysis/", views.analysis_page, name="analysis"),
    path("analysis/briefing/", views.briefing_page, name="briefing"),
    path("analysis/forecasts/", views.forecast_log_page, name="forecast_log"),
    path("analysis/forecasts/issue/", views.forecast_issue, name="forecast_issue"),
    path(
        "analysis/forecasts/<int:pk>/score/",
        views.forecast_action,
        {"action": "score"},
        name="forecast_score",
    ),
    path(
        "analysis/forecasts/<int:pk>/withdraw/",
        views.forecast_action,
        {"action": "withdraw"},
        name="forecast_withdraw",
    ),
]
