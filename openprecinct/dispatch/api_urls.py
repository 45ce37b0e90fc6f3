"""API routes of dispatch, mounted at /api/v1/dispatch/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
