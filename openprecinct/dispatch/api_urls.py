"""API routes of dispatch, mounted at /api/v1/dispatch/."""

from django.urls import path

from openprecinct.dispatch import api

urlpatterns = [
    path("calls/", api.CallListCreateView.as_view(), name="dispatch_call_list"),
    path("calls/<int:call_id>/", api.CallDetailView.as_view(), name="dispatch_call_detail"),
    path("calls/<int:call_id>/assign/", api.CallAssignView.as_view(), name="dispatch_call_assign"),
    path("calls/<int:call_id>/action/", api.CallActionView.as_view(), name="dispatch_call_action"),
    path("units/", api.UnitListView.as_view(), name="dispatch_unit_list"),
    path("units/<int:unit_id>/status/", api.UnitStatusView.as_view(), name="dispatch_unit_status"),
    path("transitions/", api.TransitionsView.as_view(), name="dispatch_transitions"),
    path("query/", api.QueryView.as_view(), name="dispatch_query"),
    path("response-times/", api.ResponseTimesView.as_view(), name="dispatch_response_times"),
]
