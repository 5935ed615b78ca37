"""API serializers of the incubator app (DESIGN.md, "REST API contract")."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from blkk_portal.api.fields import (
    AsciiDateField,
    MonthField,
    OnlyWritableRow,
    ScopedManyRelatedField,
    ScopedRelatedField,
    bounded_text,
)
from blkk_portal.api.representation import FastRepresentation
from blkk_portal.api.serializers import PortalModelSerializer
from incubator import services
from incubator.models import (
    ApplicationReview,
    Assistance,
    AssistanceStatus,
    Cohort,
    CohortApplication,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from training.models import Blkk, Trainee


class CohortSerializer(PortalModelSerializer):
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_("Defaults to your BLKK when you manage exactly one."),
    )

    class Meta:
        model = Cohort
        services = services.COHORTS
        fields = [
            "id",
            "blkk",
            "name",
            "year",
            "start_date",
            "end_date",
            "status",
            "applications_open_on",
            "applications_close_on",
        ]


class StageChangeSerializer(FastRepresentation):
    """One entry of a venture's stage history, or a move asked for by POST."""

    from_stage = serializers.ChoiceField(
        choices=Stage.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty for the first entry, when the venture was created."),
    )
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    changed_on = AsciiDateField(required=False, help_text=_("Defaults to today."))
    note = bounded_text(required=False, allow_blank=True, default="")

    class Meta:
        model = StageChange
        fields = [
            "id",
            "venture",
            "from_stage",
            "to_stage",
            "changed_on",
            "changed_by",
            "note",
        ]
        read_only_fields = ["venture", "changed_by"]

    def create(self, validated_data):
        return services.venture_change_stage(
            venture=self.context["venture"],
            to_stage=validated_data["to_stage"],
            changed_on=validated_data.get("changed_on") or timezone.localdate(),
            note=validated_data.get("note", ""),
            by=self.context["request"].user,
        )


class VentureSerializer(PortalModelSerializer):
    cohort = ScopedRelatedField(
        queryset=Cohort.objects.all(), rows_for=Cohort.objects.writable_by
    )
    founders = ScopedManyRelatedField(
        rows_for=Trainee.objects.writable_by,
        min_length=1,
        help_text=_("Ids of the trainees who founded it."),
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.PRE_INCUBATION,
        help_text=_("Set on create only; later moves go through the stage endpoint."),
    )
    stage_history = StageChangeSerializer(
        source="stage_changes", many=True, read_only=True
    )

    class Meta:
        model = Venture
        services = services.VENTURES
        fields = [
            "id",
            "cohort",
            "name",
            "sector",
            "founders",
            "stage",
            "nib",
            "started_on",
            "stage_history",
        ]


class MilestoneSerializer(PortalModelSerializer):
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(), rows_for=Venture.objects.writable_by
    )

    class Meta:
        model = Milestone
        services = services.MILESTONES
        fields = ["id", "venture", "title", "due_on", "done_on"]


class VentureMetricSerializer(PortalModelSerializer):
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(), rows_for=Venture.objects.taking_metrics_from
    )
    period = MonthField(help_text=_("The month, as YYYY-MM."))

    class Meta:
        model = VentureMetric
        services = services.METRICS
        fields = ["id", "venture", "period", "revenue", "workers", "customers"]


# --- intake: applications to a cohort and their reviews -------------------------------


class ApplicationScoreField(serializers.DecimalField):
    """The application's score as the caller may see it (`score_shown`, from
    `incubator.applications.with_score_for`): null without reviews, and for a
    caller who does not read every review (a mentor scores independently)."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=4,
            decimal_places=2,
            # A JSON number (14.5), like the KPIs' `mentoring_hours`; the schema is a
            # number, not a string pattern.
            coerce_to_string=False,
            read_only=True,
            allow_null=True,
            help_text=_(
                "The mean of the reviews' totals (4..20), to 2 decimals; null "
                "without reviews, and for mentors, who score independently."
            ),
            **kwargs,
        )

    def get_attribute(self, instance):
        return getattr(instance, "score_shown", None)


class SortedIdsField(ScopedManyRelatedField):
    """Related ids in ascending order, whatever order the database returns."""

    def to_representation(self, data):
        return sorted(item.pk for item in data.all())


class CohortApplicationSerializer(PortalModelSerializer):
    """An application to a cohort. `status` and `venture` change only through
    `decide/`: a change posted here answers 400 with the reason."""

    cohort = ScopedRelatedField(
        queryset=Cohort.objects.all(), rows_for=Cohort.objects.writable_by
    )
    applicant = ScopedRelatedField(
        queryset=Trainee.objects.all(),
        rows_for=Trainee.objects.writable_by,
        help_text=_("Id of a person registered or enrolled at your BLKK."),
    )
    co_applicants = SortedIdsField(
        rows_for=Trainee.objects.writable_by,
        required=False,
        help_text=_("Ids of the other people of the team, reached like the applicant."),
    )
    status = serializers.ChoiceField(
        choices=CohortApplication.Status.choices,
        read_only=True,
        help_text=_("Changes only through decide/."),
    )
    score = ApplicationScoreField()
    venture: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("The venture created on acceptance."),
    )

    class Meta:
        model = CohortApplication
        services = services.APPLICATIONS
        fields = [
            "id",
            "cohort",
            "applicant",
            "co_applicants",
            "business_name",
            "sector",
            "idea",
            "received_on",
            "status",
            "score",
            "venture",
        ]
        extra_kwargs = {"received_on": {"required": False}}

    def validate(self, attrs):
        # Read-only fields DRF would silently drop: a client asking to change them
        # is told where the change is made instead.
        current = {
            "status": self.instance.status
            if self.instance
            else CohortApplication.Status.SUBMITTED,
            "venture": self.instance.venture_id if self.instance else None,
        }
        refused = {}
        for name, value in current.items():
            if name not in self.initial_data:
                continue
            sent = self.initial_data.get(name)
            if sent in (None, "") and value is None:
                continue
            if str(sent) != str(value):
                refused[name] = [services.APPLICATION_FIXED[name]]
        if refused:
            raise serializers.ValidationError(refused)
        return attrs


class ApplicationDecisionSerializer(serializers.Serializer):
    """A decision on an application (`decide/`)."""

    decision = serializers.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in CohortApplication.Status
            if status != CohortApplication.Status.SUBMITTED
        ]
    )
    note = bounded_text(required=False, allow_blank=True, default="")
    on = AsciiDateField(required=False, help_text=_("Defaults to today."))


class ApplicationReviewSerializer(PortalModelSerializer):
    """One reviewer's scores of an application: the reviewer is whoever posts it."""

    application = ScopedRelatedField(
        queryset=CohortApplication.objects.all(),
        rows_for=CohortApplication.objects.reviewable_by,
        help_text=_(
            "An application you may review: of a BLKK you manage, or one you mentor "
            "with an assignment active today."
        ),
    )
    reviewer: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = ApplicationReview
        services = services.REVIEWS
        fields = [
            "id",
            "application",
            "reviewer",
            "market",
            "team",
            "feasibility",
            "job_potential",
            "comment",
        ]

    def create(self, validated_data):
        return self.services.call_create(
            fields={**validated_data, "reviewer": self._acting_user},
            by=self._acting_user,
        )


# --- assistance (bantuan wirausaha) ---------------------------------------------------


class AssistanceStatusEntrySerializer(serializers.Serializer):
    """One entry of an assistance's status history: `from` (empty for the
    proposal), `to`, `on`, `by` (the user's id) and `note`."""

    def get_fields(self):
        # `from` is a Python keyword: the fields are named here, not as attributes.
        return {
            "from": serializers.ChoiceField(
                source="from_status",
                choices=AssistanceStatus.choices,
                allow_blank=True,
                read_only=True,
                help_text=_("Empty for the first entry, the proposal."),
            ),
            "to": serializers.ChoiceField(
                source="to_status", choices=AssistanceStatus.choices, read_only=True
            ),
            "on": serializers.DateField(read_only=True),
            "by": serializers.IntegerField(
                source="by_id",
                read_only=True,
                allow_null=True,
                help_text=_("The user who made the move (empty when a command did)."),
            ),
            "note": serializers.CharField(read_only=True),
        }


# Set by the status moves (`assistance/{id}/status/`), read-only here.
MOVED_BY_STATUS = services.ASSISTANCE_MOVED_FIELDS


class AssistanceSerializer(PortalModelSerializer):
    """Proposed, changed and deleted by ministry staff; the managers of the BLKK it
    counts at change only its check (`last_checked_on`, `condition`). Its status,
    approval and delivery dates and handover number move only through
    `assistance/{id}/status/`: a value for them that differs from the stored one
    answers 400, naming the field (never silently dropped)."""

    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.visible_to,
        required=False,
        allow_null=True,
        help_text=_("The BLKK receiving it; or give `venture` (exactly one)."),
    )
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(),
        rows_for=Venture.objects.visible_to,
        required=False,
        allow_null=True,
        help_text=_("The venture receiving it; or give `blkk` (exactly one)."),
    )
    status_history = AssistanceStatusEntrySerializer(
        source="status_changes",
        many=True,
        read_only=True,
        help_text=_("Every move, oldest first; the first is the proposal."),
    )

    class Meta:
        model = Assistance
        services = services.ASSISTANCE
        fields = [
            "id",
            "blkk",
            "venture",
            "year",
            "kind",
            "description",
            "value",
            "proposed_on",
            "status",
            "approved_on",
            "delivered_on",
            "handover_number",
            "last_checked_on",
            "condition",
            "status_history",
        ]
        read_only_fields = list(MOVED_BY_STATUS)
        extra_kwargs = {
            "proposed_on": {
                "help_text": _("Defaults to today; never in the future; then fixed.")
            },
            "last_checked_on": {
                "help_text": _(
                    "The last check (with `condition`): after delivery, never in "
                    "the future nor before the previous check."
                )
            },
        }

    # The read-only fields a client may still send, read as their model fields
    # would be, so that the service judges them (and names them when they change).
    _MOVED_PARSERS: dict[str, Callable[[], serializers.Field]] = {
        "status": lambda: serializers.ChoiceField(choices=AssistanceStatus.choices),
        "approved_on": lambda: AsciiDateField(allow_null=True),
        "delivered_on": lambda: AsciiDateField(allow_null=True),
        "handover_number": lambda: serializers.CharField(
            allow_blank=True, max_length=100
        ),
    }

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        errors = {}
        for name, parser in self._MOVED_PARSERS.items():
            if not hasattr(data, "get") or name not in data:
                continue
            try:
                values[name] = parser().run_validation(data[name])
            except serializers.ValidationError:
                # Not even a value of the field: a change all the same.
                errors[name] = [services.ASSISTANCE_BY_MOVE]
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def create(self, validated_data):
        """A proposal: statuses, dates, handover number and check come later, each
        with its move or check; a value for them other than a new proposal's is
        refused on its field."""
        later = {
            **{
                name: services.ASSISTANCE_BY_MOVE
                for name in services.ASSISTANCE_MOVED_FIELDS
            },
            **dict.fromkeys(
                services.ASSISTANCE_CHECK_FIELDS,
                services.ASSISTANCE_CHECKED_AFTER_DELIVERY,
            ),
        }
        given = {
            name: validated_data.pop(name) for name in later if name in validated_data
        }
        new = Assistance(status=AssistanceStatus.PROPOSED)
        errors = {
            name: [later[name]]
            for name, value in given.items()
            if value != getattr(new, name)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return super().create(validated_data)


class AssistanceMoveSerializer(serializers.Serializer):
    """A move of an assistance to another status (`assistance/{id}/status/`)."""

    to_status = serializers.ChoiceField(choices=AssistanceStatus.choices)
    on = AsciiDateField(
        required=False,
        allow_null=True,
        help_text=_(
            "Defaults to today; never in the future nor before the previous move."
        ),
    )
    handover_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("The handover number (BAST): required to record a delivery only."),
    )
    note = bounded_text(required=False, allow_blank=True, default="")
