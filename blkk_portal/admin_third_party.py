"""The admin sections of third-party apps that ministry staff see: each one in
Bahasa Indonesia (its app and model names, the columns and fields shown) or not
shown at all, with the reason here.

Shown, through admin classes of the portal's that narrow the packages' own:
- Scheduled tasks (django-celery-beat): the periodic tasks and their crontab
  schedules, which the ministry edits (docs/reports.md).
- Sign-in security (django-axes): the failed sign-ins behind a lockout (deleting an
  account's row lifts its lock) and the log of sign-ins.

Hidden (unregistered below):
- API tokens (django-rest-knox): a token is stored as a hash, so its row tells
  staff nothing they can use; the package's add form would let staff mint a working
  token for someone else's account. A token is revoked by its owner
  (`POST /api/v1/auth/logout/`), expires after API_TOKEN_TTL_DAYS of disuse, and
  stops working when the account is closed.
- Interval, solar and clocked schedules (django-celery-beat): the portal runs its
  tasks on crontab schedules only (STYLE.md); the task form offers only those.
- Access failure log (django-axes): off (AXES_ENABLE_ACCESS_FAILURE_LOG), so always
  empty; the failures are the access attempts above.

Labels are the portal's own msgids where the admin classes here can name them.
Model names and a few field labels come from the packages' models: their msgids are
listed in THIRD_PARTY_MSGIDS so that `makemessages` keeps their Indonesian in the
portal's catalogue, which takes precedence over the packages' own.
"""

from __future__ import annotations

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    PeriodicTasks,
    SolarSchedule,
)
from knox.models import AuthToken

THIRD_PARTY_MSGIDS = (
    # django-celery-beat's model names (the package has no Indonesian).
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    # django-axes' field labels whose Indonesian in the package is the English.
    gettext_noop("User Agent"),
    gettext_noop("Path"),
)

HIDDEN = (AuthToken, IntervalSchedule, SolarSchedule, ClockedSchedule, AccessFailureLog)
# Registered again below with the portal's admin classes.
REPLACED = (PeriodicTask, CrontabSchedule, AccessAttempt, AccessLog)

for model in (*HIDDEN, *REPLACED):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def cron_expression(crontab: CrontabSchedule) -> str:
    """The schedule as cron writes it: minute hour day month weekday."""
    return " ".join(
        [
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        ]
    )


CRON_HELP = _(
    'Cron syntax: "*" for every one, "0,30" for a list, "1-5" for a range, '
    '"*/15" for every fifteenth.'
)


# --- Scheduled tasks (django-celery-beat) --------------------------------------------


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    """The package's form (task chosen from the registered ones, JSON arguments
    checked), on a crontab schedule, with the portal's labels."""

    class Meta(beat_admin.PeriodicTaskForm.Meta):
        labels = {
            "name": _("Name"),
            "enabled": _("Enabled"),
            "description": _("Description"),
            "crontab": _("Schedule"),
            "start_time": _("Starts at"),
            "args": _("Positional arguments"),
            "kwargs": _("Keyword arguments"),
        }
        help_texts = {
            "name": _("A short name for this entry, different from the others."),
            "enabled": _("Untick to stop running the task on its schedule."),
            "description": _("What the task does, for whoever reads this later."),
            "crontab": _(
                "When the task runs: minutes, hours, days of the month, months and "
                "days of the week, in the schedule's time zone."
            ),
            "start_time": _("Optional: the task does not run before this moment."),
            "args": _('A JSON list; usually empty: "[]".'),
            "kwargs": _('A JSON object; usually empty: "{}".'),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regtask"].label = _("Task")
        self.fields["task"].label = _("Task by name")
        self.fields["task"].help_text = _("Only for a task missing from the list.")
        # Crontab schedules only: the model accepts exactly one kind of schedule.
        self.fields["crontab"].required = True


class TasksOnScheduleInline(admin.TabularInline):
    model = PeriodicTask
    fields = ["name", "enabled"]
    readonly_fields = ["name", "enabled"]
    can_delete = False
    extra = 0
    show_change_link = True
    verbose_name = _("task on this schedule")
    verbose_name_plural = _("tasks on this schedule")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    list_display = ["name", "enabled", "schedule", "last_run"]
    list_filter = ["enabled"]
    date_hierarchy = None
    # "Run now" is left out: reports are generated from the reports' own admin,
    # and the package's message for it cannot be translated.
    actions = ["enable_tasks", "disable_tasks"]
    fieldsets = [
        (None, {"fields": ["name", "regtask", "task", "enabled", "description"]}),
        (_("Schedule"), {"fields": ["crontab", "start_time", "last_run"]}),
        (_("Arguments"), {"fields": ["args", "kwargs"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["last_run"]
    # Django's own form: the package's template adds the crontab in English words
    # (cron-descriptor has no Indonesian).
    change_form_template = None

    @admin.display(description=_("Schedule"), ordering="crontab")
    def schedule(self, task: PeriodicTask) -> str:
        return cron_expression(task.crontab) if task.crontab else "-"

    @admin.display(description=_("Last run"), ordering="last_run_at")
    def last_run(self, task: PeriodicTask):
        return task.last_run_at

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Not the package's: it adds every crontab in English words for its template.
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context
        )

    @admin.action(description=_("Enable the selected tasks"))
    def enable_tasks(self, request, queryset) -> None:
        count = queryset.update(enabled=True)
        PeriodicTasks.update_changed()
        self.message_user(
            request,
            ngettext("%(count)d task enabled.", "%(count)d tasks enabled.", count)
            % {"count": count},
        )

    @admin.action(description=_("Disable the selected tasks"))
    def disable_tasks(self, request, queryset) -> None:
        count = queryset.update(enabled=False, last_run_at=None)
        PeriodicTasks.update_changed()
        self.message_user(
            request,
            ngettext("%(count)d task disabled.", "%(count)d tasks disabled.", count)
            % {"count": count},
        )


class CrontabScheduleForm(forms.ModelForm):
    class Meta:
        model = CrontabSchedule
        fields = [
            "minute",
            "hour",
            "day_of_month",
            "month_of_year",
            "day_of_week",
            "timezone",
        ]
        labels = {
            "minute": _("Minutes"),
            "hour": _("Hours"),
            "day_of_month": _("Days of the month"),
            "month_of_year": _("Months"),
            "day_of_week": _("Days of the week"),
            "timezone": _("Time zone"),
        }
        help_texts = {
            "minute": CRON_HELP,
            "hour": CRON_HELP,
            "day_of_month": CRON_HELP,
            "month_of_year": CRON_HELP,
            "day_of_week": _(
                "0 is Sunday, 1 Monday ... 6 Saturday; cron syntax as above."
            ),
            "timezone": _("The time zone the hours are read in: Asia/Jakarta."),
        }


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    form = CrontabScheduleForm
    list_display = ["expression", "zone"]
    fields = CrontabScheduleForm.Meta.fields
    readonly_fields: list[str] = []
    inlines = [TasksOnScheduleInline]

    @admin.display(description=_("When (minute, hour, day, month, weekday)"))
    def expression(self, crontab: CrontabSchedule) -> str:
        return cron_expression(crontab)

    @admin.display(description=_("Time zone"), ordering="timezone")
    def zone(self, crontab: CrontabSchedule) -> str:
        return str(crontab.timezone)


# --- Sign-in security (django-axes) -------------------------------------------------


class LockedOutFilter(axes_admin.IsLockedOutFilter):
    title = _("locked")

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """An account's failed sign-ins, counted toward its lock: deleting the rows of
    a username lifts its lock (so does a password reset)."""

    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "path_info",
        "failures_since_start",
        "status",
    ]
    list_filter = ["attempt_time", LockedOutFilter]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "failures_since_start",
                    "attempt_time",
                    "path_info",
                ]
            },
        ),
        (_("Browser"), {"fields": ["ip_address", "user_agent"]}),
    ]
    # The package's clean-up action reports in English only; expired rows are
    # cleaned on every failed sign-in anyway. Deleting selected rows stays.
    actions: list[str] = []

    @admin.display(description=_("Lock status"))
    def status(self, attempt: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left <= 0:
            return gettext("Locked")
        return ngettext("%(count)d try left", "%(count)d tries left", left) % {
            "count": left
        }


@admin.register(AccessLog)
class AccessLogAdmin(axes_admin.AccessLogAdmin):
    """Each sign-in: who, when, from where, and when they signed out."""

    list_display = [
        "attempt_time",
        "logout_time",
        "username",
        "ip_address",
        "path_info",
    ]
    list_filter = ["attempt_time", "logout_time"]
    fieldsets = [
        (None, {"fields": ["username", "attempt_time", "logout_time", "path_info"]}),
        (_("Browser"), {"fields": ["ip_address", "user_agent"]}),
    ]
