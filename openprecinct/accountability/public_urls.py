"""Public pages of accountability (the civilian complaint form), mounted at /portal/accountability/."""

from django.urls import path

from openprecinct.accountability import views

app_name = "accountability_public"
urlpatterns = [
    path("", views.public_complaint, name="complaint"),
    path("thanks/", views.public_thanks, name="thanks"),
    path("status/", views.public_status, name="status"),
]
