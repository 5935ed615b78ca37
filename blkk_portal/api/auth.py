"""`POST /api/v1/auth/token/`: a token for a username and password;
`POST /api/v1/auth/logout/`: revoke the token the request was made with.

The same login throttle as the portal's sign-in page applies (django-axes, by
username): after too many failures the account is locked and the answer is 429.
Attempts are also throttled per username and per address, failed or not
(blkk_portal/api/throttling.py): 429 with `Retry-After`.
Tokens are django-rest-knox's: the database keeps only their hash, and each expires
after `API_TOKEN_TTL_DAYS` of disuse (settings `REST_KNOX`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import TokenAuthentication
from .exceptions import portal_exception_handler
from .schema import DETAIL, FIELD_ERRORS
from .throttling import TokenAddressRateThrottle, TokenRateThrottle

TokenResponse = inline_serializer(
    "TokenResponse",
    {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
)


class TokenRequestSerializer(AuthTokenSerializer):
    # Bounded before authentication: django-axes stores the attempted username in a
    # 255-character column, and a longer one would fail that insert with a 500.
    username = serializers.CharField(
        label=_("Username"), max_length=150, write_only=True
    )
    password = serializers.CharField(
        label=_("Password"),
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )


LOCKED_OUT = _("Too many failed sign-ins: this account is locked for now.")


class ObtainTokenView(APIView):
    # No session here: a token request carries its credentials, so it needs no CSRF.
    authentication_classes = []
    permission_classes = [AllowAny]
    # Per address first: it needs no body, so even a malformed request counts.
    throttle_classes = [TokenAddressRateThrottle, TokenRateThrottle]

    def get_exception_handler(self):
        # DRF marks the request's transaction for rollback on any error it answers
        # (405, a malformed body). This view runs outside that transaction; a savepoint
        # keeps the mark from reaching a transaction that encloses the request.
        def handler(exc, context):
            with transaction.atomic():
                return portal_exception_handler(exc, context)

        return handler

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(FIELD_ERRORS, "Wrong username or password."),
            429: OpenApiResponse(
                DETAIL,
                "The account is locked after failures, or too many attempts came "
                "in a short time (see `Retry-After`).",
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(
            data=request.data, context={"request": request}
        )
        # Refusals are answered, not raised: a raised error marks any surrounding
        # transaction for rollback, and django-axes has just recorded the failure.
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS
                )
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        # Each sign-in is a new token (one per integration or device); expired ones
        # of the same user are cleared on the way.
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(KnoxLogoutView):
    """Revoke the token this request carries (204)."""

    # knox's view names knox's own class; the portal's checks a token in one query.
    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format=format)
