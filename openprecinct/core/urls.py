from django.urls import path

from openprecinct.core import views
from openprecinct.core.metrics import metrics_view

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("staff/", views.home, name="home"),
    path("staff/map/", views.map_view, name="map"),
    path("staff/audit/", views.audit_log, name="audit"),
    path("portal/geo/boundaries.geojson", views.boundaries, name="boundaries"),
    path("portal/geo/station-houses.geojson", views.station_houses, name="station_houses"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
]
