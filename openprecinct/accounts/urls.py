from django.urls import path

from openprecinct.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/verify/", views.verify_view, name="2fa_verify"),
    path("2fa/setup/", views.setup_view, name="2fa_setup"),
    path("users/", views.users_view, name="users"),
    path("users/<int:user_id>/unlock/", views.unlock_view, name="unlock"),
    path("users/<int:user_id>/reset-2fa/", views.reset_2fa_view, name="reset_2fa"),
]
