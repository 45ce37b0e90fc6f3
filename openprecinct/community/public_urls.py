"""Public pages of community, mounted at /portal/community/ (the portal prefix is public)."""

from django.urls import path

from openprecinct.community import public_views as v

app_name = "community_public"
urlpatterns = [
    path("", v.home, name="home"),
    path("tips/", v.tip_form, name="tip"),
    path("tips/follow-up/", v.tip_follow_up, name="tip_follow_up"),
    path("tips/reply/", v.tip_reply, name="tip_reply"),
    path("suspicious-activity/", v.sar_form, name="sar"),
    path("service-requests/", v.service_request_form, name="service_request"),
    path("events/", v.event_list, name="events"),
    path("events.ics", v.events_ics, name="events_ics"),
    path("events/<int:pk>/", v.event_detail, name="event"),
    path("events/<int:pk>.ics", v.event_ics, name="event_ics"),
    path("rsvp/cancel/", v.rsvp_cancel, name="rsvp_cancel"),
    path("problems/", v.problems, name="problems"),
    path("safety/", v.post_list, name="posts"),
    path("safety/feed.atom", v.posts_atom, name="posts_atom"),
    path("safety/<int:pk>/", v.post_detail, name="post"),
    path("donations/", v.ledger, name="ledger"),
    path("academy/<int:pk>/apply/", v.academy_apply, name="academy_apply"),
    path("survey/<int:pk>/", v.survey, name="survey"),
]
