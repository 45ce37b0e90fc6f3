"""Staff pages of dispatch, mounted at /dispatch/."""

from django.urls import path

from openprecinct.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.console, name="console"),
    path("console/panels/", views.console_panels, name="console_panels"),
    path("console/map.json", views.console_map, name="console_map"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/assign/", views.call_assign, name="call_assign"),
    path("calls/<int:call_id>/<slug:action>/", views.call_action, name="call_action"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/status/", views.unit_status, name="unit_status"),
    path("mobile/", views.mobile, name="mobile"),
    path("mobile/self-initiate/", views.mobile_self_initiate, name="mobile_self_initiate"),
    path("mobile/map/", views.mobile_map, name="mobile_map"),
    path("bolos/", views.bolos, name="bolos"),
    path("hazards/", views.hazards, name="hazards"),
    path("response-times/", views.response_times, name="response_times"),
    path("patrol/", views.patrol, name="patrol"),
]
