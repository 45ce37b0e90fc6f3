from django.urls import path

from openprecinct.records import api

urlpatterns = [
    path("", api.IncidentListCreateView.as_view(), name="incident_list"),
    path("<int:incident_id>/", api.IncidentDetailView.as_view(), name="incident_detail"),
    path("<int:incident_id>/submit/", api.IncidentSubmitView.as_view(), name="incident_submit"),
    path("<int:incident_id>/approve/", api.IncidentApproveView.as_view(), name="incident_approve"),
    path("<int:incident_id>/return/", api.IncidentReturnView.as_view(), name="incident_return"),
]
