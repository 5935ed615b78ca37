"""Ministry staff give people their role here (or with `create_portal_user`)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .admin_imports import AccountImportAdminMixin
from .models import ADMIN_ROLES, User

DEACTIVATED = _("Deactivated: sessions ended and API tokens deleted.")
REACTIVATED = _("Reactivated.")


class PortalUserCreationForm(AdminUserCreationForm):
    """Django's admin form for a new user, with the invitation as the default: the
    account gets no password and its person is mailed a link to set their own
    (`services.users_invite`), so nobody else ever knows it."""

    # django-stubs do not declare the Meta of Django's user forms, which exists.
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "full_name", "email", "role", "province")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice = cast(forms.ChoiceField, self.fields["usable_password"])
        choice.label = _("Password")
        # Django's values: "false" leaves the password unusable (and its admin
        # script hides the password fields).
        choice.choices = [
            ("false", _("Mail the person a link to set it (recommended)")),
            ("true", _("Set it now")),
        ]
        choice.initial = "false"
        choice.help_text = _(
            "With the invitation, the person chooses their own password and nobody "
            "else knows it."
        )

    def clean(self):
        cleaned = super().clean()
        # Read as Django's form reads it (SetUnusablePasswordMixin).
        invited = self.data.get("usable_password") == "false"
        if invited and not self.cleaned_data.get("email"):
            self.add_error("email", _("The invitation needs an email address."))
        return cleaned


class PortalUserChangeForm(UserChangeForm):
    # Who is changing the account (set by the admin): nobody closes their own.
    acting_user: User | None = None

    # django-stubs do not declare the Meta of Django's user forms, which exists.
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"

    def clean_is_active(self) -> bool:
        is_active = self.cleaned_data["is_active"]
        acting = self.acting_user
        if not is_active and acting is not None and self.instance.pk == acting.pk:
            raise ValidationError(
                _("You cannot deactivate your own account."), code="own_account"
            )
        return is_active


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
class UserAdmin(AccountImportAdminMixin, DjangoUserAdmin):
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
                    "email",
                    "role",
                    "province",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    actions = ["send_invitation", "deactivate", "reactivate"]
    change_form_template = "admin/accounts/user/change_form.html"
    change_list_template = "admin/accounts/user/change_list.html"

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

    @admin.action(
        description=_("Deactivate the selected accounts"), permissions=["change"]
    )
    def deactivate(self, request, queryset) -> None:
        users = list(queryset)
        own = [user for user in users if user.pk == request.user.pk]
        if own:
            self.message_user(
                request, _("You cannot deactivate your own account."), messages.ERROR
            )
            return
        closed = services.users_deactivate(users=users, by=request.user)
        for user in closed:
            self.log_change(request, user, str(DEACTIVATED))
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated: its sessions and API tokens ended.",
                "%(count)d accounts deactivated: their sessions and API tokens ended.",
                len(closed),
            )
            % {"count": len(closed)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reactivate the selected accounts"), permissions=["change"]
    )
    def reactivate(self, request, queryset) -> None:
        opened = services.users_reactivate(users=list(queryset), by=request.user)
        for user in opened:
            self.log_change(request, user, str(REACTIVATED))
        self.message_user(
            request,
            ngettext(
                "%(count)d account reactivated.",
                "%(count)d accounts reactivated.",
                len(opened),
            )
            % {"count": len(opened)},
            messages.SUCCESS,
        )

    # --- one account's deactivation page (the button on its change page) -----------

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/deactivate/",
                self.admin_site.admin_view(self.deactivate_view),
                name="accounts_user_deactivate",
            ),
            path(
                "<path:object_id>/reactivate/",
                self.admin_site.admin_view(self.reactivate_view),
                name="accounts_user_reactivate",
            ),
        ]
        return own + self.import_urls() + super().get_urls()

    def deactivate_view(self, request, object_id):
        return self._activity_view(request, object_id, activate=False)

    def reactivate_view(self, request, object_id):
        return self._activity_view(request, object_id, activate=True)

    def _activity_view(self, request, object_id, *, activate: bool):
        """GET: what (de)activating the account does, and a button; POST: do it,
        log it in the account's history and go back to its change page."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        own = user.pk == request.user.pk
        if request.method == "POST" and not own:
            if activate:
                done = services.users_reactivate(users=[user], by=request.user)
                message = REACTIVATED
            else:
                done = services.users_deactivate(users=[user], by=request.user)
                message = DEACTIVATED
            if done:
                self.log_change(request, user, str(message))
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reactivate the account")
            if activate
            else _("Deactivate the account"),
            "opts": self.opts,
            "original": user,
            "activate": activate,
            "own_account": own,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/accounts/user/activity.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {})}
        user = self.get_object(request, unquote(object_id))
        if (
            user is not None
            and user.pk != request.user.pk
            and self.has_change_permission(request, user)
        ):
            name = "reactivate" if not user.is_active else "deactivate"
            extra_context["activity_url"] = reverse(
                f"admin:accounts_user_{name}", args=[user.pk]
            )
            extra_context["activity_label"] = (
                _("Reactivate") if not user.is_active else _("Deactivate")
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {})}
        if request.user.sees_everything:
            extra_context["import_url"] = reverse("admin:accounts_user_import")
        return super().changelist_view(request, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request, obj, form, change):
        if not change:
            # New staff of the admin roles can sign into the admin from the start.
            obj.is_staff = obj.role in ADMIN_ROLES
        super().save_model(request, obj, form, change)
        if (
            not change
            and not obj.has_usable_password()
            and services.users_invite(
                users=[obj], domain=request.get_host(), use_https=request.is_secure()
            )
        ):
            self.message_user(
                request,
                _("An invitation mail goes to %(email)s.") % {"email": obj.email},
                messages.SUCCESS,
            )
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" on the form closes the account as the action does:
            # its sessions and API tokens end now.
            services.users_deactivate(users=[obj], by=request.user)
