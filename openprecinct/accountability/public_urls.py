"""Public pages of accountability (the civilian complaint form), mounted at /portal/accountability/."""

from django.urls import path  # noqa: F401

app_name = "accountability_public"
urlpatterns: list = []
