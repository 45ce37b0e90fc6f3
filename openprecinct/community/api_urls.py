"""API routes of community, mounted at /api/v1/community/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
