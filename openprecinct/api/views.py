from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from openprecinct.accounts import services as account_services
from openprecinct.api.permissions import PublicReadOnly
from openprecinct.core.audit import audit_record
from openprecinct.core.geography import boundaries_geojson
from openprecinct.core.middleware import client_ip


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    otp = serializers.RegexField(r"^\d{6}$", help_text="The current six-digit TOTP code.")


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_in_hours = serializers.IntegerField()


class TokenView(APIView):
    """Exchange a username, password and TOTP code for an API token (mobile clients)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request: Request) -> Response:
        from django.conf import settings

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(
            request._request, username=username, password=data.validated_data["password"]
        )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if user is None or device is None or not device.verify_token(data.validated_data["otp"]):
            account_services.login_failure_record(
                username=username, ip_address=client_ip(request._request)
            )
            return Response(
                {
                    "error": {
                        "code": "authentication_failed",
                        "message": "Wrong username, password or code, or the account is locked.",
                        "details": {},
                    }
                },
                status=401,
            )
        account_services.login_success_record(user=user)
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        audit_record(
            action="auth.token_issued", obj=user, actor_id=user.pk, actor_username=user.username
        )
        return Response(
            {"token": token.key, "expires_in_hours": settings.OPENPRECINCT_API_TOKEN_HOURS}
        )


class MeView(APIView):
    """Who the caller is: the account behind this token or session, and its role."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "role": serializers.CharField(),
                "precinct": serializers.CharField(),
                "sector": serializers.CharField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "username": user.get_username(),
                "role": getattr(user, "role", ""),
                "precinct": getattr(user, "precinct", ""),
                "sector": getattr(user, "sector", ""),
            }
        )


class PublicBoundariesView(APIView):
    """Precinct and sector boundaries as GeoJSON (WGS84). Public."""

    authentication_classes: list[Any] = []
    permission_classes = [PublicReadOnly]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(boundaries_geojson(precinct=request.query_params.get("precinct")))
