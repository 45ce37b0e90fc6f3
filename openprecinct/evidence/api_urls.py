from django.urls import path

from openprecinct.evidence import api

urlpatterns = [
    path("", api.EvidenceListView.as_view(), name="evidence_list"),
    path("<uuid:item_uuid>/", api.EvidenceDetailView.as_view(), name="evidence_detail"),
]
