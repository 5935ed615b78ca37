"""Ministry staff give people their role here (or with `create_portal_user`)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
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


class PasswordSetFilter(admin.SimpleListFilter):
    """Accounts whose person has set a password, or is still to (invited)."""

    title = _("password set")
    # Not "password...": Django's UserAdmin refuses every lookup named so.
    parameter_name = "has_password"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No (invitation not used yet)"))]

    def queryset(self, request, queryset):
        unusable = {"password__startswith": UNUSABLE_PASSWORD_PREFIX}
        if self.value() == "yes":
            return queryset.exclude(**unusable)
        if self.value() == "no":
            return queryset.filter(**unusable)
        return queryset


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
        "password_set",
    ]
    list_filter = ["role", "province", "is_staff", "is_active", PasswordSetFilter]
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

    actions = ["send_invitation"]

    @admin.display(description=_("password set"), boolean=True)
    def password_set(self, obj: User) -> bool:
        return obj.has_usable_password()

    @admin.action(
        description=_("Send the invitation mail again"), permissions=["change"]
    )
    def send_invitation(self, request, queryset) -> None:
        users = list(queryset)
        invited = services.users_invite(
            users=users, domain=request.get_host(), use_https=request.is_secure()
        )
        for user in invited:
            self.log_change(request, user, _("Invitation mail sent again."))
        if invited:
            self.message_user(
                request,
                ngettext(
                    "The invitation mail goes to %(count)d account.",
                    "The invitation mail goes to %(count)d accounts.",
                    len(invited),
                )
                % {"count": len(invited)},
                messages.SUCCESS,
            )
        skipped = len(users) - len(invited)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account was skipped: only an active account with an "
                    "email and no password yet is invited.",
                    "%(count)d accounts were skipped: only an active account with an "
                    "email and no password yet is invited.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def save_model(self, request, obj, form, change):
        if not change:
            # New staff of the admin roles can sign into the admin from the start.
            obj.is_staff = obj.role in ADMIN_ROLES
        super().save_model(request, obj, form, change)
