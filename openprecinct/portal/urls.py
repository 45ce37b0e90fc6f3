"""Public pages of the transparency portal, mounted at /portal/ (no login)."""

from django.urls import path

from openprecinct.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("compstat/", views.compstat, name="compstat"),
    path("map/", views.crime_map, name="map"),
    path("map/points.geojson", views.points_geojson, name="points"),
    path("revisions/", views.revisions, name="revisions"),
    path("response-times/", views.response_times, name="response_times"),
    path("calls/", views.calls, name="calls"),
    path("accountability-figures/", views.accountability, name="accountability"),
    path("community-outcomes/", views.community_outcomes, name="community_outcomes"),
    path("training/", views.training, name="training"),
    path("methodology/", views.methodology, name="methodology"),
    path("data/", views.data_dictionary, name="data"),
    path("data/<slug:slug>.csv", views.download, name="download"),
]
