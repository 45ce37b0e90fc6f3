"""API routes of oversight, mounted at /api/v1/oversight/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
