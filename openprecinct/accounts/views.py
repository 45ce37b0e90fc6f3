from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprecinct.accounts import services
from openprecinct.accounts.forms import BANNER, LoginForm, TokenForm
from openprecinct.accounts.middleware import session_mark_authenticated
from openprecinct.accounts.models import User
from openprecinct.accounts.permissions import can_manage_users
from openprecinct.core.errors import ApplicationError
from openprecinct.core.middleware import client_ip
from openprecinct.core.views import forbidden

FAILED = (
    "Sign-in failed: the username or password is wrong, or the account is locked. After 5 "
    "failed attempts an account is locked until an administrator unlocks it."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            services.login_failure_record(username=username, ip_address=client_ip(request))
            error = FAILED
        else:
            services.login_success_record(user=user)
            login(request, user)  # rotates the session key
            session_mark_authenticated(request)
            request.session["op_next"] = _next_url(request)
            return HttpResponseRedirect(reverse("accounts:2fa_verify"))
    context = {
        "form": form,
        "error": error,
        "banner": BANNER,
        "next": request.GET.get("next", ""),
        "expired": request.GET.get("expired", ""),
    }
    return render(request, "accounts/login.html", context, status=401 if error else 200)


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return HttpResponseRedirect(reverse("accounts:2fa_setup"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            session_mark_authenticated(request)
            return HttpResponseRedirect(request.session.pop("op_next", reverse("core:home")))
        services.login_failure_record(username=user.get_username(), ip_address=client_ip(request))
        form.add_error("token", "That code is wrong or was already used. Wait for the next one.")
    return render(request, "accounts/verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponseRedirect(reverse("accounts:2fa_verify"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            session_mark_authenticated(request)
            messages.success(request, "Two-factor sign-in is set up.")
            return HttpResponseRedirect(request.session.pop("op_next", reverse("core:home")))
        form.add_error("token", "That code did not match. Check the clock on your phone.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    context = {"form": form, "qr_svg": qr_svg, "secret": device.config_url.split("secret=")[1]}
    return render(request, "accounts/setup.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("accounts:login"))


def users_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_users(request.user):
        return forbidden(request)
    users = User.objects.order_by("username")
    return render(request, "accounts/users.html", {"users": users})


@require_POST
def unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    if not can_manage_users(request.user):
        return forbidden(request)
    target = get_object_or_404(User, pk=user_id)
    try:
        services.account_unlock(actor=request.user, user=target)  # type: ignore[arg-type]
        messages.success(request, f"{target.username} is unlocked.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("accounts:users"))


@require_POST
def reset_2fa_view(request: HttpRequest, user_id: int) -> HttpResponse:
    if not can_manage_users(request.user):
        return forbidden(request)
    target = get_object_or_404(User, pk=user_id)
    try:
        services.totp_device_reset(actor=request.user, user=target)  # type: ignore[arg-type]
        messages.success(request, f"{target.username} must set up two-factor sign-in again.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("accounts:users"))
