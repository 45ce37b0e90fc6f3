"""API routes of accountability, mounted at /api/v1/accountability/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
