"""Ministry staff give people their role here (or with `create_portal_user`)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import ADMIN_ROLES, User


class PortalUserCreationForm(UserCreationForm):
    # django-stubs do not declare the Meta of Django's user forms, which exists.
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "full_name", "role", "province")


class PortalUserChangeForm(UserChangeForm):
    # django-stubs do not declare the Meta of Django's user forms, which exists.
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"


class ManagedBlkkInline(admin.TabularInline):
    model = User.managed_blkks.through
    extra = 0
    autocomplete_fields = ["blkk"]
    verbose_name = _("managed BLKK")
    verbose_name_plural = _("managed BLKKs")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = [
        "username",
        "full_name",
        "role",
        "province",
        "is_staff",
        "is_active",
    ]
    list_filter = ["role", "province", "is_staff", "is_active"]
    list_select_related = ["province"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    autocomplete_fields = ["province"]
    inlines = [ManagedBlkkInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email"]}),
        (_("Role"), {"fields": ["role", "province"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "role",
                    "province",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            # New staff of the admin roles can sign into the admin from the start.
            obj.is_staff = obj.role in ADMIN_ROLES
        super().save_model(request, obj, form, change)
