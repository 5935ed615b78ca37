"""One write path: a venture's start and stage, and the month of a metric, hold at
every door.

These rules once lived in the API's serializers; they are the services' now, and the
admin and the API refuse the same thing with the same message.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incubator import services
from incubator.models import Stage, StageChange, Venture, VentureMetric
from mentoring.models import MentoringSession
from tests.admin_forms import EN, admin_url, form_data, form_errors, post_change
from tests.training.factories import TraineeFactory

from .factories import VentureFactory, VentureMetricFactory

STAGE_FIXED = "Change the stage through the stage endpoint."
START_FIXED = "The start opens the stage history and cannot be changed."
MONTH_NOT_BEGUN = "This month has not begun yet."

# Messages are read in English (services and admin): the `english` fixture.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def next_year_january() -> datetime.date:
    return datetime.date(timezone.localdate().year + 1, 1, 1)


def stored_venture(venture: Venture) -> tuple:
    fresh = Venture.objects.get(pk=venture.pk)
    return (fresh.name, fresh.stage, fresh.started_on, fresh.stage_changes.count())


# --- a venture's stage and start ------------------------------------------------------


def test_the_admin_shows_stage_and_start_read_only(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    page = admin_client_for("manager_a").get(admin_url(Venture, "change", venture.pk))
    fields = page.context["adminform"].form.fields
    assert "stage" not in fields
    assert "started_on" not in fields
    assert "name" in fields


def test_a_stage_posted_to_the_admin_anyway_is_refused(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    before = stored_venture(venture)

    response = post_change(
        admin_client_for("manager_a"), venture, stage="graduated", name="Baru"
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [STAGE_FIXED]}
    assert stored_venture(venture) == before


def test_a_start_posted_to_the_admin_anyway_is_refused(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    before = stored_venture(venture)

    response = post_change(
        admin_client_for("manager_a"), venture, started_on="2026-03-01"
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [START_FIXED]}
    assert stored_venture(venture) == before


def test_the_admin_changes_a_ventures_name_and_keeps_its_history(
    admin_client_for, world
):
    venture = world.objects[Venture]["a"]
    response = post_change(admin_client_for("manager_a"), venture, name="Konveksi Baru")
    assert response.status_code == 302, form_errors(response)
    name, stage, started_on, changes = stored_venture(venture)
    assert (name, stage, changes) == ("Konveksi Baru", venture.stage, 1)
    assert started_on == venture.started_on


def test_the_admin_adds_a_venture_with_its_first_stage_change(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    client = admin_client_for("manager_a")
    page = client.get(admin_url(Venture, "add"))
    data = form_data(
        page,
        cohort=venture.cohort_id,
        name="Keripik Barokah",
        sector="makanan",
        founders=[venture.founders.get().pk],
        stage="incubation",
        started_on="2026-04-10",
    )
    response = client.post(admin_url(Venture, "add"), data)
    assert response.status_code == 302, form_errors(response)
    added = Venture.objects.get(name="Keripik Barokah")
    change = added.stage_changes.get()
    assert (change.to_stage, change.changed_on) == ("incubation", added.started_on)
    assert change.changed_by == world.users["manager_a"]


def test_the_api_refuses_a_stage_edited_on_the_venture(world, api):
    venture = world.objects[Venture]["a"]
    before = stored_venture(venture)
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/ventures/{venture.pk}/", {"stage": "graduated"}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json() == {"stage": [STAGE_FIXED]}
    assert stored_venture(venture) == before


def test_the_api_refuses_a_new_start(world, api):
    venture = world.objects[Venture]["a"]
    before = stored_venture(venture)
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/ventures/{venture.pk}/",
        {"started_on": "2026-03-01"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"started_on": [START_FIXED]}
    assert stored_venture(venture) == before


def test_venture_update_changes_what_is_not_fixed():
    venture = VentureFactory()
    founder = TraineeFactory(blkk=venture.cohort.blkk)
    services.venture_update(
        venture=venture, name="Batik Baru", founders=[founder], by=None
    )
    stored = Venture.objects.get(pk=venture.pk)
    assert stored.name == "Batik Baru"
    assert list(stored.founders.all()) == [founder]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stage", Stage.GRADUATED, STAGE_FIXED),
        ("started_on", datetime.date(2020, 1, 1), START_FIXED),
    ],
)
def test_venture_update_refuses_a_fixed_field(field, value, message):
    venture = VentureFactory(stage=Stage.INCUBATION)
    before = (venture.name, venture.stage, venture.started_on)
    with pytest.raises(ValidationError) as caught:
        services.venture_update(venture=venture, **{field: value}, name="Lain", by=None)
    assert caught.value.message_dict == {field: [message]}
    stored = Venture.objects.get(pk=venture.pk)
    assert (stored.name, stored.stage, stored.started_on) == before


def test_venture_update_needs_a_founder():
    venture = VentureFactory()
    with pytest.raises(ValidationError) as caught:
        services.venture_update(venture=venture, founders=[], by=None)
    assert set(caught.value.message_dict) == {"founders"}


def test_admin_delete_of_a_venture_goes_through_its_service(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    # Its mentor assignment (and that one's sessions) and its assistance protect
    # it: they go first.
    MentoringSession.objects.filter(assignment__venture=venture).delete()
    venture.mentor_assignments.all().delete()
    venture.assistance.all().delete()
    with mock.patch.object(
        services, "venture_delete", wraps=services.venture_delete
    ) as delete:
        response = admin_client_for("ministry").post(
            admin_url(Venture, "delete", venture.pk), {"post": "yes"}
        )
    assert response.status_code == 302
    delete.assert_called_once()
    assert isinstance(delete.call_args.kwargs["venture"], Venture)
    assert not Venture.objects.filter(pk=venture.pk).exists()
    assert not StageChange.objects.filter(venture_id=venture.pk).exists()


# --- a metric's month -----------------------------------------------------------------


def test_the_admin_refuses_a_metric_for_a_month_not_begun(admin_client_for, world):
    venture = world.objects[Venture]["a"]
    client = admin_client_for("manager_a")
    page = client.get(admin_url(VentureMetric, "add"))
    data = form_data(
        page,
        venture=venture.pk,
        period=next_year_january().isoformat(),
        revenue=1,
        workers=1,
        customers=1,
    )
    before = VentureMetric.objects.count()

    response = client.post(admin_url(VentureMetric, "add"), data, **EN)

    assert response.status_code == 200
    assert form_errors(response) == {"period": [MONTH_NOT_BEGUN]}
    assert VentureMetric.objects.count() == before


def test_the_admin_refuses_moving_a_metric_to_a_month_not_begun(
    admin_client_for, world
):
    metric = world.objects[VentureMetric]["a"]
    response = post_change(
        admin_client_for("manager_a"), metric, period=next_year_january().isoformat()
    )
    assert response.status_code == 200
    assert form_errors(response) == {"period": [MONTH_NOT_BEGUN]}
    assert VentureMetric.objects.get(pk=metric.pk).period == metric.period


def test_the_api_refuses_a_metric_for_a_month_not_begun(world, api):
    venture = world.objects[Venture]["a"]
    before = VentureMetric.objects.count()
    response = api(world.users["manager_a"]).post(
        "/api/v1/venture-metrics/",
        {"venture": venture.pk, "period": f"{next_year_january():%Y-%m}"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"period": [MONTH_NOT_BEGUN]}
    assert VentureMetric.objects.count() == before


def test_the_api_refuses_moving_a_metric_to_a_month_not_begun(world, api):
    metric = world.objects[VentureMetric]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/venture-metrics/{metric.pk}/",
        {"period": f"{next_year_january():%Y-%m}"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"period": [MONTH_NOT_BEGUN]}


def test_metric_create_takes_the_current_month():
    venture = VentureFactory()
    this_month = timezone.localdate().replace(day=1)
    metric = services.metric_create(
        venture=venture, period=this_month, revenue=2_000_000, workers=2, by=None
    )
    assert VentureMetric.objects.get(pk=metric.pk).period == this_month


def test_metric_create_refuses_a_month_not_begun():
    venture = VentureFactory()
    with pytest.raises(ValidationError) as caught:
        services.metric_create(venture=venture, period=next_year_january(), by=None)
    assert caught.value.message_dict == {"period": [MONTH_NOT_BEGUN]}
    assert not venture.metrics.exists()


def test_metric_update_refuses_a_month_not_begun_and_takes_new_figures():
    metric = VentureMetricFactory()
    with pytest.raises(ValidationError) as caught:
        services.metric_update(metric=metric, period=next_year_january(), by=None)
    assert caught.value.message_dict == {"period": [MONTH_NOT_BEGUN]}
    services.metric_update(metric=metric, workers=7, by=None)
    stored = VentureMetric.objects.get(pk=metric.pk)
    assert (stored.period, stored.workers) == (metric.period, 7)
