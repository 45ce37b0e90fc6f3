"""API routes of community, mounted at /api/v1/community/."""

from django.urls import path

from openprecinct.community import api

urlpatterns = [
    path("tips/", api.TipListView.as_view(), name="community-tips"),
    path("tips/<int:pk>/", api.TipDetailView.as_view(), name="community-tip"),
    path("tips/<int:pk>/actions/", api.TipActionView.as_view(), name="community-tip-actions"),
    path("events/", api.EventListView.as_view(), name="community-events"),
    path("events/<int:pk>/actions/", api.EventActionView.as_view(), name="community-event-actions"),
    path("problems/", api.ProblemListView.as_view(), name="community-problems"),
    path("posts/", api.PostListView.as_view(), name="community-posts"),
    path("outcomes/", api.OutcomesView.as_view(), name="community-outcomes"),
    path("open311/v2/services.json", api.Open311ServicesView.as_view(), name="open311-services"),
    path("open311/v2/requests.json", api.Open311RequestsView.as_view(), name="open311-requests"),
    path(
        "open311/v2/requests/<int:pk>.json",
        api.Open311RequestView.as_view(),
        name="open311-request",
    ),
]
