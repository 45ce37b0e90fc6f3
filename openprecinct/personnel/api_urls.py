"""API routes of personnel, mounted at /api/v1/personnel/."""

from django.urls import path

from openprecinct.personnel import api

urlpatterns = [
    path("alerts/", api.AlertListView.as_view(), name="personnel_alerts"),
    path("alerts/<int:alert_id>/", api.AlertDetailView.as_view(), name="personnel_alert"),
    path("alerts/<int:alert_id>/act/", api.AlertActView.as_view(), name="personnel_alert_act"),
    path("rules/", api.RuleListView.as_view(), name="personnel_rules"),
    path(
        "training/compliance/",
        api.TrainingComplianceView.as_view(),
        name="personnel_training_compliance",
    ),
]
