"""Share links for people outside the agency: public paths, the token is the key."""

from django.urls import path

from openprecinct.evidence import views

app_name = "evidence_share"
urlpatterns = [
    path("<str:token>/", views.share_page, name="page"),
    path("<str:token>/download/", views.share_download, name="download"),
]
