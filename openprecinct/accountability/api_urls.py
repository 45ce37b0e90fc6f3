"""API routes of accountability, mounted at /api/v1/accountability/."""

from django.urls import path

from openprecinct.accountability import api

urlpatterns = [
    path(
        "complaints/", api.ComplaintListCreateView.as_view(), name="accountability_complaint_list"
    ),
    path(
        "complaints/<int:complaint_id>/",
        api.ComplaintDetailView.as_view(),
        name="accountability_complaint_detail",
    ),
    path(
        "complaints/<int:complaint_id>/steps/",
        api.ComplaintStepView.as_view(),
        name="accountability_complaint_step",
    ),
    path(
        "complaints/<int:complaint_id>/allegations/",
        api.AllegationCreateView.as_view(),
        name="accountability_allegation_create",
    ),
    path(
        "allegations/<int:allegation_id>/finding/",
        api.FindingView.as_view(),
        name="accountability_finding",
    ),
    path("force-reports/", api.ForceReportListView.as_view(), name="accountability_force_list"),
    path(
        "force-reports/fbi-export/", api.FbiExportView.as_view(), name="accountability_fbi_export"
    ),
    path(
        "force-reports/<int:report_id>/",
        api.ForceReportDetailView.as_view(),
        name="accountability_force_detail",
    ),
    path(
        "force-reports/<int:report_id>/steps/",
        api.ForceReportStepView.as_view(),
        name="accountability_force_step",
    ),
    path("ia-cases/", api.IACaseListView.as_view(), name="accountability_ia_list"),
    path(
        "ia-cases/<int:case_id>/", api.IACaseDetailView.as_view(), name="accountability_ia_detail"
    ),
    path("dashboard/", api.DashboardView.as_view(), name="accountability_dashboard"),
]
