"""Staff pages of personnel, mounted at /personnel/."""

from django.urls import path

from openprecinct.personnel import views

app_name = "personnel"
urlpatterns = [
    path("", views.home, name="home"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:alert_id>/plan/", views.plan_create, name="plan"),
    path("alerts/<int:alert_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path(
        "alerts/<int:alert_id>/follow-ups/<int:follow_up_id>/",
        views.follow_up,
        name="follow_up",
    ),
    path("rules/", views.rules, name="rules"),
    path("training/", views.training, name="training"),
    path("wellness/", views.wellness, name="wellness"),
]
