"""API routes of portal, mounted at /api/v1/public/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
