"""API routes of personnel, mounted at /api/v1/personnel/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
