"""Public pages of community, mounted at /portal/community/ (the portal prefix is public)."""

from django.urls import path  # noqa: F401

app_name = "community_public"
urlpatterns: list = []
