"""API routes of oversight, mounted at /api/v1/oversight/."""

from django.urls import path

from openprecinct.oversight import api

urlpatterns = [
    path("reviews/", api.ReviewListView.as_view(), name="oversight_reviews"),
    path("reviews/<int:review_id>/", api.ReviewDetailView.as_view(), name="oversight_review"),
    path("reviews/<int:review_id>/packet/", api.PacketView.as_view(), name="oversight_packet"),
    path("reviews/<int:review_id>/vote/", api.VoteView.as_view(), name="oversight_vote"),
    path("reviews/<int:review_id>/act/", api.ActView.as_view(), name="oversight_act"),
    path(
        "recommendations/",
        api.RecommendationListView.as_view(),
        name="oversight_recommendations",
    ),
    path(
        "recommendations/<int:recommendation_id>/respond/",
        api.RespondView.as_view(),
        name="oversight_respond",
    ),
]
