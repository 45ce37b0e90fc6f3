"""Staff pages of accountability, mounted at /accountability/."""

from django.urls import path  # noqa: F401

app_name = "accountability"
urlpatterns: list = []
