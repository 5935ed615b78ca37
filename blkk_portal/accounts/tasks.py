"""Celery tasks of the accounts: thin wrappers over `accounts.services`."""

from __future__ import annotations

from typing import Any, cast

from celery import shared_task

from blkk_portal.celery import RETRYING

from . import services


@shared_task(**cast(dict[str, Any], RETRYING))
def password_reset_mail_send(user_id: int, domain: str, use_https: bool) -> bool:
    """Mail the reset link asked for on the password reset page."""
    return services.password_reset_mail_send(
        user_id=user_id, domain=domain, use_https=use_https
    )


@shared_task(**cast(dict[str, Any], RETRYING))
def user_invite_mail_send(user_id: int, domain: str, use_https: bool) -> bool:
    """Mail a new account the link to set its password."""
    return services.user_invite_mail_send(
        user_id=user_id, domain=domain, use_https=use_https
    )
