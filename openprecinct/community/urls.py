"""Staff pages of community, mounted at /community/."""

from django.urls import path

from openprecinct.community import views as v

app_name = "community"
urlpatterns = [
    path("", v.home, name="home"),
    path("tips/", v.tip_list, name="tips"),
    path("tips/<int:pk>/", v.tip_detail, name="tip"),
    path("tips/<int:pk>/act/", v.tip_act, name="tip_act"),
    path("tips/photos/<int:pk>/", v.tip_photo, name="tip_photo"),
    path("events/", v.events, name="events"),
    path("events/<int:pk>/", v.event_detail, name="event"),
    path("problems/", v.problems, name="problems"),
    path("posts/", v.posts, name="posts"),
    path("posts/<int:pk>/", v.post_detail, name="post"),
    path("donations/", v.donations, name="donations"),
    path("grants/", v.grants, name="grants"),
    path("academy/", v.academy, name="academy"),
    path("academy/<int:pk>/", v.cohort_detail, name="cohort"),
    path("watch/", v.watch_groups, name="watch"),
    path("volunteers/", v.volunteers, name="volunteers"),
    path("suspicious-activity/", v.sars, name="sars"),
    path("service-requests/", v.service_requests, name="service_requests"),
    path("surveys/", v.surveys, name="surveys"),
    path("<str:area>/new/", v.act, name="create"),
    path("<str:area>/<int:pk>/act/", v.act, name="act"),
]
