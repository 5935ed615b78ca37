"""The admin's lists at national scale (issue #14): filters whose choices come from
small tables or from fixed lists, periods instead of the date hierarchy, and the
estimated count of a whole large table (`blkk_portal.admin_lists`,
`training.admin_filters`)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    FieldListFilter,
    RelatedFieldListFilter,
    RelatedOnlyFieldListFilter,
)
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blkk_portal import admin_lists
from blkk_portal.admin_lists import EstimatedCountPaginator, PeriodFilter
from blkk_portal.audit.models import PersonalDataEvent
from blkk_portal.audit.services import audit_record
from incubator.models import Cohort
from mentoring.models import Mentor, MentoringSession
from training.admin_filters import ProvinceFilter
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    PartnershipPurpose,
    Province,
    Regency,
    Trainee,
    VocationalField,
)

PORTAL_APPS = {"accounts", "audit", "training", "incubator", "mentoring", "reports"}
PORTAL_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PORTAL_APPS
    ),
    key=lambda pair: pair[0]._meta.label,
)
LABELS = [model._meta.label for model, _admin in PORTAL_ADMINS]
# A related filter lists every row of the related table: only these small ones.
SMALL_TABLES = {Province, VocationalField, PartnershipPurpose}


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filter_class(model, item):
    """The list filter class Django makes of one `list_filter` entry."""
    if isinstance(item, type):
        return item, None
    field_path, chosen = item if isinstance(item, (list, tuple)) else (item, None)
    field = get_fields_from_path(model, field_path)[-1]
    if chosen is not None:
        return chosen, field
    for test, list_filter_class in FieldListFilter._field_list_filters:
        if test(field):
            return list_filter_class, field
    raise AssertionError(f"no filter for {model.__name__}.{field_path}")


def province_spec(response):
    specs = [
        s for s in response.context["cl"].filter_specs if isinstance(s, ProvinceFilter)
    ]
    return specs[0] if specs else None


def listed(response) -> set:
    return set(response.context["cl"].result_list)


# --- what the admins are made of ------------------------------------------------------


@pytest.mark.parametrize(("model", "model_admin"), PORTAL_ADMINS, ids=LABELS)
def test_no_portal_list_draws_a_date_hierarchy(model, model_admin):
    # Its links come from a DISTINCT date_trunc over every row of the list.
    assert model_admin.date_hierarchy is None


@pytest.mark.parametrize(("model", "model_admin"), PORTAL_ADMINS, ids=LABELS)
def test_no_portal_filter_lists_values_found_among_the_rows(model, model_admin):
    for item in model_admin.list_filter:
        chosen, field = filter_class(model, item)
        assert not issubclass(
            chosen, (RelatedOnlyFieldListFilter, AllValuesFieldListFilter)
        ), item
        if issubclass(chosen, RelatedFieldListFilter):
            assert field.related_model in SMALL_TABLES, item


def test_every_scoped_list_counts_with_the_estimating_paginator():
    for model, model_admin in PORTAL_ADMINS:
        if model._meta.app_label != "accounts":
            assert model_admin.paginator is EstimatedCountPaginator, model
            assert model_admin.show_full_result_count is False, model
            assert model_admin.show_facets is admin.ShowFacets.NEVER, model


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), PORTAL_ADMINS, ids=LABELS)
def test_ministry_first_page_reads_no_distinct_values_of_the_rows(
    admin_client_for, model, model_admin
):
    client = admin_client_for("ministry")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(changelist_url(model)).status_code == 200
    for query in queries:
        sql = query["sql"].upper()
        assert "DATE_TRUNC" not in sql, sql
        assert "SELECT DISTINCT" not in sql, sql


# --- provinces ------------------------------------------------------------------------

PROVINCE_FILTERED = [
    model
    for model, model_admin in PORTAL_ADMINS
    if any(
        isinstance(f, type) and issubclass(f, ProvinceFilter)
        for f in model_admin.list_filter
    )
]


def test_the_records_of_a_blkk_are_filtered_by_province():
    names = {model.__name__ for model in PROVINCE_FILTERED}
    assert {"Trainee", "Enrollment", "Certification", "GraduateOutcome"} <= names
    assert {"Venture", "VentureMetric", "MentoringSession", "Assistance"} <= names


def test_ministry_staff_choose_among_every_province_by_name(admin_client_for):
    response = admin_client_for("ministry").get(changelist_url(Trainee))
    choices = province_spec(response).lookup_choices
    assert choices == list(
        Province.objects.order_by("name").values_list("code", "name")
    )
    assert len(choices) == 38


@pytest.mark.parametrize("persona", ["province_32", "manager_a"])
def test_staff_of_one_province_are_offered_no_province_filter(
    admin_client_for, persona
):
    response = admin_client_for(persona).get(changelist_url(Trainee))
    assert province_spec(response) is None


def test_a_manager_of_blkks_in_two_provinces_chooses_between_them(
    admin_client_for, world
):
    world.objects[Blkk]["b"].managers.add(world.users["manager_a"])
    response = admin_client_for("manager_a").get(changelist_url(Trainee))
    assert province_spec(response).lookup_choices == [
        ("32", "Jawa Barat"),
        ("35", "Jawa Timur"),
    ]


@pytest.mark.parametrize("model", PROVINCE_FILTERED, ids=lambda m: m.__name__)
def test_province_filter_lists_the_rows_of_that_province(
    admin_client_for, world, model
):
    if model is Mentor:
        for side in ("a", "b"):
            Mentor.objects.filter(pk=world.objects[Mentor][side].pk).update(
                home_blkk=world.objects[Blkk][side]
            )
    a, b = world.objects[model]["a"], world.objects[model]["b"]
    client = admin_client_for("ministry")
    jabar = listed(client.get(changelist_url(model), {"province": "32"}))
    jatim = listed(client.get(changelist_url(model), {"province": "35"}))
    assert a in jabar
    assert b not in jabar
    assert b in jatim
    assert a not in jatim


def test_province_filter_never_widens_a_scope(admin_client_for):
    client = admin_client_for("province_32")
    assert not listed(client.get(changelist_url(Trainee), {"province": "35"}))


@pytest.mark.parametrize("code", ["3", "3x", "320", "٣٢"])
def test_province_filter_with_a_malformed_code_lists_nothing(admin_client_for, code):
    response = admin_client_for("ministry").get(
        changelist_url(Trainee), {"province": code}
    )
    assert response.status_code == 200
    assert not listed(response)


def test_choosing_a_province_drops_the_regency_chosen_before(admin_client_for):
    response = admin_client_for("ministry").get(
        changelist_url(Blkk), {"province": "35", "regency": "35.78"}
    )
    for choice in province_spec(response).choices(response.context["cl"]):
        assert "regency" not in choice["query_string"]


# --- regencies of the BLKK list -------------------------------------------------------


def regency_spec(response):
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "parameter_name", None) == "regency":
            return spec
    return None


def test_ministry_picks_a_province_before_its_regencies(admin_client_for, world):
    client = admin_client_for("ministry")
    assert regency_spec(client.get(changelist_url(Blkk))) is None
    response = client.get(changelist_url(Blkk), {"province": "32"})
    assert regency_spec(response).lookup_choices == list(
        Regency.objects.filter(province_id="32")
        .order_by("name")
        .values_list("code", "name")
    )
    response = client.get(changelist_url(Blkk), {"province": "32", "regency": "32.73"})
    assert listed(response) == {world.objects[Blkk]["a"]}


def test_a_link_to_one_regency_lists_its_blkks(admin_client_for, world):
    response = admin_client_for("ministry").get(
        changelist_url(Blkk), {"regency": "35.78"}
    )
    surabaya = Regency.objects.get(code="35.78")
    assert regency_spec(response).lookup_choices == [("35.78", surabaya.name)]
    assert listed(response) == {world.objects[Blkk]["b"]}


@pytest.mark.parametrize("code", ["32", "32.7", "x2.73"])
def test_regency_filter_with_a_malformed_code_lists_nothing(admin_client_for, code):
    response = admin_client_for("ministry").get(changelist_url(Blkk), {"regency": code})
    assert response.status_code == 200
    assert not listed(response)


# --- periods instead of the date hierarchy --------------------------------------------

TODAY = datetime.date(2026, 12, 8)


class Dates(PeriodFilter):
    future = True


class PastDates(PeriodFilter):
    pass


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("7d", (datetime.date(2026, 12, 2), datetime.date(2026, 12, 9))),
        ("month", (datetime.date(2026, 12, 1), datetime.date(2027, 1, 1))),
        ("2019", (datetime.date(2019, 1, 1), datetime.date(2020, 1, 1))),
        ("9999", (datetime.date(9999, 1, 1), None)),
        ("later", (datetime.date(2027, 1, 1), None)),
        ("earlier", (None, datetime.date(2017, 1, 1))),
    ],
)
def test_a_period_is_a_range_counted_from_today(value, bounds):
    assert Dates.bounds(value, TODAY) == bounds


@pytest.mark.parametrize("value", ["", "0000", "20x6", "٢٠٢٦", "12345", "week"])
def test_an_unknown_period_is_refused(value):
    assert Dates.bounds(value, TODAY) is None


def test_later_is_known_only_where_dates_lie_ahead():
    assert PastDates.bounds("later", TODAY) is None


def period_choices(response, parameter: str) -> list[str]:
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "parameter_name", None) == parameter:
            return [value for value, _label in spec.lookup_choices]
    raise AssertionError(f"no filter {parameter}")


def test_period_choices_are_fixed_not_read_from_the_rows(admin_client_for):
    response = admin_client_for("ministry").get(changelist_url(Trainee))
    this_year = datetime.date.today().year  # noqa: DTZ011 (the year the filter counts from)
    years = [str(year) for year in range(this_year, this_year - 10, -1)]
    choices = period_choices(response, "registered_on__period")
    assert choices in (
        ["7d", "month", *years, "earlier"],
        # Across midnight at new year's, on the portal's clock.
        ["7d", "month", *[str(int(y) + 1) for y in years], "earlier"],
    )


def test_period_filter_lists_the_rows_of_that_year(admin_client_for, world):
    client = admin_client_for("ministry")
    url = changelist_url(Trainee)
    everyone = {world.objects[Trainee]["a"], world.objects[Trainee]["b"]}
    assert listed(client.get(url, {"registered_on__period": "2026"})) == everyone
    assert not listed(client.get(url, {"registered_on__period": "2025"}))
    assert not listed(client.get(url, {"registered_on__period": "earlier"}))
    response = client.get(url, {"registered_on__period": "last-year"})
    assert response.status_code == 200
    assert not listed(response)


def test_period_filter_of_a_year_number(admin_client_for, world):
    client = admin_client_for("ministry")
    url = changelist_url(Cohort)
    assert listed(client.get(url, {"year__period": "2026"})) == {
        world.objects[Cohort]["a"],
        world.objects[Cohort]["b"],
    }
    assert not listed(client.get(url, {"year__period": "2027"}))
    assert not listed(client.get(url, {"year__period": "7d"}))
    assert "7d" not in period_choices(client.get(url), "year__period")


def test_period_filter_of_a_moment_compares_with_local_midnight(admin_client_for):
    event = audit_record(
        user=None,
        action=PersonalDataEvent.Action.EXPORT,
        subject="training.trainee",
        rows=1,
    )
    # 00:30 on New Year's Day in Jakarta is still the old year in UTC.
    PersonalDataEvent.objects.filter(pk=event.pk).update(
        at=datetime.datetime(2024, 12, 31, 17, 30, tzinfo=datetime.UTC)
    )
    client = admin_client_for("ministry")
    url = changelist_url(PersonalDataEvent)
    assert listed(client.get(url, {"at__period": "2025"})) == {event}
    assert not listed(client.get(url, {"at__period": "2024"}))


# --- the mentee's rating --------------------------------------------------------------


def test_rating_filter_offers_the_scale_and_filters_by_it(admin_client_for, world):
    rated = world.objects[MentoringSession]["a"]
    MentoringSession.objects.filter(pk=rated.pk).update(mentee_rating=4)
    unrated = world.objects[MentoringSession]["b"]
    client = admin_client_for("ministry")
    url = changelist_url(MentoringSession)
    assert period_choices(client.get(url), "mentee_rating") == [
        "5",
        "4",
        "3",
        "2",
        "1",
        "none",
    ]
    assert listed(client.get(url, {"mentee_rating": "4"})) == {rated}
    assert listed(client.get(url, {"mentee_rating": "none"})) == {unrated}
    assert not listed(client.get(url, {"mentee_rating": "6"}))


# --- counting -------------------------------------------------------------------------


@pytest.fixture
def estimate_every_table(monkeypatch):
    """Estimate from one row on, and have statistics for the trainees' table (an
    ANALYZE counts the rows this test's transaction added)."""
    monkeypatch.setattr(admin_lists, "ESTIMATE_FROM_ROWS", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE training_trainee")


def counts_trainees(queries) -> bool:
    return any(
        "COUNT(" in q["sql"].upper() and "training_trainee" in q["sql"] for q in queries
    )


def test_whole_large_table_is_counted_by_estimate_and_says_so(
    admin_client_for, world, english, estimate_every_table
):
    client = admin_client_for("ministry")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(Trainee))
    changelist = response.context["cl"]
    assert changelist.paginator.estimated
    assert changelist.result_count == 2
    assert not counts_trainees(queries)
    html = response.content.decode()
    assert "about 2 trainees" in html
    assert "about 2 results" in html


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("province_32", {}),
        ("ministry", {"gender": "F"}),
        ("ministry", {"q": "Peserta"}),
    ],
)
def test_a_scoped_or_filtered_list_is_counted_exactly(
    admin_client_for, world, persona, query, estimate_every_table
):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_for(persona).get(changelist_url(Trainee), query)
    changelist = response.context["cl"]
    assert not changelist.paginator.estimated
    assert changelist.result_count == len(changelist.result_list)
    assert counts_trainees(queries)


def test_a_small_table_is_counted_exactly(admin_client_for, world):
    # Below ESTIMATE_FROM_ROWS an exact count costs little and reads better.
    response = admin_client_for("ministry").get(changelist_url(Trainee))
    assert not response.context["cl"].paginator.estimated
    assert response.context["cl"].result_count == 2


def test_an_estimated_count_pages_on_past_its_last_page(world, estimate_every_table):
    paginator = EstimatedCountPaginator(Trainee.objects.order_by("pk"), 1)
    assert paginator.count == 2
    assert paginator.estimated
    assert len(paginator.page(2).object_list) == 1
    # The table may hold more than the estimate: the next page is shown, short.
    assert list(paginator.page(3).object_list) == []


@pytest.mark.parametrize(
    ("estimate", "shown"),
    [(612_337.4, 612_000), (1_499_999.0, 1_500_000), (123_456.0, 123_000), (2.0, 2)],
)
def test_estimates_are_rounded_to_three_figures(estimate, shown):
    assert admin_lists.rounded_estimate(estimate) == shown


# --- searching ------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Trainee, Certification, Enrollment])
def test_a_whole_nik_is_looked_up_by_its_index_alone(admin_client_for, world, model):
    person = world.objects[Trainee]["b"]
    client = admin_client_for("ministry")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(model), {"q": f" {person.nik} "})
    assert listed(response) == {world.objects[model]["b"]}
    listing = [q["sql"] for q in queries if "LIKE" in q["sql"].upper()]
    assert listing == []


def test_a_whole_nik_outside_a_managers_reach_finds_nobody(admin_client_for, world):
    person = world.objects[Trainee]["b"]
    response = admin_client_for("manager_a").get(
        changelist_url(Trainee), {"q": person.nik}
    )
    assert not listed(response)


def test_part_of_a_name_is_still_searched(admin_client_for, world):
    response = admin_client_for("ministry").get(
        changelist_url(Trainee), {"q": "serta B"}
    )
    assert listed(response) == {world.objects[Trainee]["b"]}


# --- ordering ------------------------------------------------------------------------

# The tables that grow with the country and with time (issue #14's dataset: 10,000 to
# 1,500,000 rows each).
LARGE_TABLES = {
    "audit.PersonalDataEvent",
    "incubator.ApplicationReview",
    "incubator.Assistance",
    "incubator.AssistanceStatusChange",
    "incubator.CohortApplication",
    "incubator.Milestone",
    "incubator.StageChange",
    "incubator.Venture",
    "incubator.VentureMetric",
    "mentoring.MentorAssignment",
    "mentoring.MentoringSession",
    "training.Certification",
    "training.Enrollment",
    "training.GradeAssessment",
    "training.GraduateOutcome",
    "training.InstructorQualification",
    "training.Placement",
    "training.Trainee",
    "training.TrainingBatch",
}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(LARGE_TABLES))
def test_a_large_list_is_ordered_down_an_index(label, rf, ministry_user):
    """Its first page reads fifty rows of an index rather than sorting the table."""
    model_admin = next(a for m, a in PORTAL_ADMINS if m._meta.label == label)
    model = model_admin.model
    request = rf.get("/")
    request.user = ministry_user
    first = (model_admin.get_ordering(request) or model._meta.ordering)[0]
    name = first.lstrip("-")
    column = (
        model._meta.pk.column if name == "pk" else model._meta.get_field(name).column
    )
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    leading = {
        c["columns"][0]
        for c in constraints.values()
        if c["columns"] and (c["index"] or c["primary_key"])
    }
    assert column in leading
