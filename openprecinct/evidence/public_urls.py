"""Public drone pages, mounted at /portal/drones/ (the portal prefix is public)."""

from django.urls import path

from openprecinct.evidence import public_views

app_name = "drones"
urlpatterns = [
    path("", public_views.flight_log, name="flight_log"),
    path("flights.geojson", public_views.flights_geojson, name="flights_geojson"),
    path("aircraft/<int:aircraft_id>/", public_views.aircraft_sheet, name="aircraft"),
]
