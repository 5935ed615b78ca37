"""Create a portal user with a role: `create_portal_user USERNAME --role ROLE ...`.

The password comes from PORTAL_USER_PASSWORD, or is asked for when a terminal is there.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from blkk_portal.accounts.models import Role, User
from mentoring.services import user_create
from training.models import Blkk, Province


class Command(BaseCommand):
    help = "Create a portal user with a role (password from PORTAL_USER_PASSWORD)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--province", help="Province code, for --role province.")
        parser.add_argument(
            "--blkk",
            action="append",
            default=[],
            help="BLKK code, for --role blkk_manager; may be given more than once.",
        )
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")

    # Operators' tooling speaks one language (English), like Django's own commands;
    # without this the service's validation messages would come out in Indonesian.
    @no_translations
    def handle(self, *args, **options) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        province = self._province(options["province"])
        blkks = self._blkks(options["blkk"])
        password = self._password()
        try:
            # Against every attribute the similarity validator compares.
            validate_password(
                password,
                User(
                    username=username,
                    full_name=options["full_name"],
                    email=options["email"],
                ),
            )
            user = user_create(
                username=username,
                password=password,
                role=options["role"],
                full_name=options["full_name"],
                email=options["email"],
                province=province,
                blkks=blkks,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()}).")
        )

    def _province(self, code: str | None) -> Province | None:
        if not code:
            return None
        try:
            return Province.objects.get(code=code)
        except Province.DoesNotExist as error:
            raise CommandError(f"Unknown province code {code!r}.") from error

    def _blkks(self, codes: list[str]) -> list[Blkk]:
        blkks = list(Blkk.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {blkk.code for blkk in blkks})
        if missing:
            raise CommandError(f"Unknown BLKK code(s): {', '.join(missing)}.")
        return blkks

    def _password(self) -> str:
        password = os.environ.get("PORTAL_USER_PASSWORD", "")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "Set PORTAL_USER_PASSWORD, or run in a terminal to be asked for it."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
