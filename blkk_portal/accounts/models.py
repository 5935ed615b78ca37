"""Portal users and their roles (DESIGN.md, "Roles and scoping")."""

from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Ministry staff")
    PROVINCE = "province", _("Provincial labour office")
    BLKK_MANAGER = "blkk_manager", _("BLKK manager")
    MENTOR = "mentor", _("Mentor")


# Roles whose people work in the Django admin; mentors use the portal pages and the API.
ADMIN_ROLES = frozenset({Role.MINISTRY, Role.PROVINCE, Role.BLKK_MANAGER})


class User(AbstractUser):
    """A person who signs in. What they see follows from `role` (see `accounts.scope`).

    Indonesian names are often a single word, so the portal keeps one `full_name`
    instead of Django's first and last name.
    """

    # Django's documented way to drop an inherited field; the stubs type these as
    # CharFields, so removing them cannot be expressed without an ignore.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    province = models.ForeignKey(
        "training.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("province"),
        help_text=_("Only for provincial labour office staff."),
    )
    # The language of the portal's pages for this person, whatever their browser
    # says (blkk_portal.accounts.language); blank is the portal's own, Indonesian.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Chosen with the language switch; blank: Indonesian."),
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[*Role.values, ""]),
                name="user_role_known",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.PROVINCE, province__isnull=False)
                    | (~Q(role=Role.PROVINCE) & Q(province__isnull=True))
                ),
                name="user_province_iff_province_role",
                violation_error_message=_(
                    "A province is required for provincial staff, and only for them."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else self.username

    @property
    def language_code(self) -> str:
        """The language the portal speaks to this person."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def sees_everything(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.MINISTRY)
