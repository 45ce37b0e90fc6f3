"""``/api/v1/``: each domain app contributes its routes under its own prefix."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

from openprecinct.api import views
from openprecinct.insights.api import CompStatAPIView

app_name = "v1"
urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("public/boundaries/", views.PublicBoundariesView.as_view(), name="public_boundaries"),
    path("records/", include("openprecinct.records.api_urls")),
    path("compstat/", CompStatAPIView.as_view(), name="compstat"),
    path("analysis/", include("openprecinct.insights.api_urls")),
    path("evidence/", include("openprecinct.evidence.api_urls")),
    path("dispatch/", include("openprecinct.dispatch.api_urls")),
    path("accountability/", include("openprecinct.accountability.api_urls")),
    path("oversight/", include("openprecinct.oversight.api_urls")),
    path("personnel/", include("openprecinct.personnel.api_urls")),
    path("community/", include("openprecinct.community.api_urls")),
    path("public/", include("openprecinct.portal.api_urls")),
]
