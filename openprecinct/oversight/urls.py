"""Staff pages of oversight, mounted at /oversight/."""

from django.urls import path

from openprecinct.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/open/", views.review_open, name="review_open"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/<int:review_id>/act/", views.review_act, name="review_act"),
    path("reviews/<int:review_id>/vote/", views.vote, name="vote"),
    path("reviews/<int:review_id>/grant/", views.access_grant, name="grant"),
    path(
        "reviews/<int:review_id>/grant/<int:grant_id>/revoke/",
        views.access_revoke,
        name="revoke",
    ),
    path("reviews/<int:review_id>/packet/", views.packet, name="packet"),
    path("reviews/<int:review_id>/packet.json", views.packet_export, name="packet_export"),
    path("recommendations/new/", views.recommendation_new, name="recommendation_new"),
    path(
        "recommendations/<int:recommendation_id>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path(
        "recommendations/<int:recommendation_id>/respond/",
        views.recommendation_respond,
        name="respond",
    ),
    path(
        "recommendations/<int:recommendation_id>/implementation/",
        views.recommendation_implementation,
        name="implementation",
    ),
    path("meetings/", views.meetings, name="meetings"),
]
