"""Staff pages of oversight, mounted at /oversight/."""

from django.urls import path  # noqa: F401

app_name = "oversight"
urlpatterns: list = []
