"""Public read-only API of the portal, mounted at /api/v1/public/ (no login).

``/api/v1/public/boundaries/`` is defined in ``openprecinct/api/urls.py``.
"""

from django.urls import path

from openprecinct.portal import api

urlpatterns = [
    path("datasets/", api.PublicDatasetListView.as_view(), name="public_datasets"),
    path("datasets/<slug:slug>/", api.PublicDatasetView.as_view(), name="public_dataset"),
    path("map-points/", api.PublicMapPointsView.as_view(), name="public_map_points"),
]
