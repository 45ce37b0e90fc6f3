from django.urls import include, path

urlpatterns = [
    path("", include("openprecinct.core.urls")),
    path("accounts/", include("openprecinct.accounts.urls")),
    path("jobs/", include("openprecinct.core.jobs.urls")),
    path("records/", include("openprecinct.records.urls")),
    path("insights/", include("openprecinct.insights.urls")),
    path("evidence/", include("openprecinct.evidence.urls")),
    path("dispatch/", include("openprecinct.dispatch.urls")),
    path("accountability/", include("openprecinct.accountability.urls")),
    path("oversight/", include("openprecinct.oversight.urls")),
    path("personnel/", include("openprecinct.personnel.urls")),
    path("community/", include("openprecinct.community.urls")),
    path("portal/drones/", include("openprecinct.evidence.public_urls")),
    path("portal/evidence-shares/", include("openprecinct.evidence.share_urls")),
    path("portal/community/", include("openprecinct.community.public_urls")),
    path("portal/accountability/", include("openprecinct.accountability.public_urls")),
    path("portal/", include("openprecinct.portal.urls")),
    path("api/v1/", include("openprecinct.api.urls", namespace="v1")),
]

handler403 = "openprecinct.core.views.handler403"
handler404 = "openprecinct.core.views.handler404"
handler500 = "openprecinct.core.views.handler500"
