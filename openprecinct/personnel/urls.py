"""Staff pages of personnel, mounted at /personnel/."""

from django.urls import path  # noqa: F401

app_name = "personnel"
urlpatterns: list = []
