"""A BLKK's venture pages: the list, a venture's page, adding and changing one, its
stage moves (only the allowed ones offered, a forbidden one refused in the
service's words) and its milestones. Who opens which page: test_pages.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import translation

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from blkk_portal.templatetags.portal import tanggal
from incubator import services
from incubator.models import Milestone, Stage, StageChange, Venture
from tests.incubator.conftest import VENTURE_START, page
from tests.incubator.factories import (
    CohortFactory,
    MilestoneFactory,
    VentureFactory,
    VentureMetricFactory,
)
from tests.incubator.test_pages import refusal
from tests.mentoring.factories import MentorAssignmentFactory
from tests.training.factories import EnrollmentFactory, TraineeFactory
from training.validators import mask_nik

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Jakarta


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def _indonesian(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def _venture_fields(venture_or_cohort, **fields) -> dict:
    return {
        "name": "Batik Tulis Ayu",
        "sector": "kerajinan",
        "stage": "pre_incubation",
        "nib": "",
        "started_on": "2026-11-02",
        **fields,
    }


# --- the list -------------------------------------------------------------------------


def test_the_venture_list_shows_stage_founders_and_last_month_reported(
    client, manager_a, venture_a, venture_b, founder_a
):
    VentureMetricFactory(venture=venture_a, period=datetime.date(2026, 10, 1))
    VentureMetricFactory(venture=venture_a, period=datetime.date(2026, 9, 1))
    client.force_login(manager_a)
    response = client.get(page("venture-list", venture_a.cohort.blkk))
    content = response.content.decode()
    assert venture_a.name in content
    assert venture_b.name not in content
    assert founder_a.full_name in content
    with translation.override("id"):
        assert str(Stage.PRE_INCUBATION.label) in content
    assert "Oktober 2026" in content
    assert "September 2026" not in content


def test_the_venture_list_filters_by_stage_and_by_cohort(
    client, manager_a, venture_a, cohort_a
):
    other_cohort = CohortFactory(blkk=cohort_a.blkk, name="Kohort Kedua")
    growing = VentureFactory(cohort=other_cohort, stage=Stage.INCUBATION)
    client.force_login(manager_a)
    path = page("venture-list", cohort_a.blkk)

    def shown(**query) -> set:
        response = client.get(path, query)
        return {v.pk for v in response.context["page"].object_list}

    assert shown() == {venture_a.pk, growing.pk}
    assert shown(stage="incubation") == {growing.pk}
    assert shown(cohort=str(cohort_a.pk)) == {venture_a.pk}
    assert shown(cohort=str(other_cohort.pk), stage="pre_incubation") == set()
    # Filters that name nothing of this BLKK show nothing of any other.
    assert shown(stage="no-such-stage") == {venture_a.pk, growing.pk}
    assert shown(cohort="\u0661") == {venture_a.pk, growing.pk}


def test_the_venture_list_of_another_blkks_cohort_is_empty(
    client, manager_a, venture_a, cohort_b, venture_b
):
    client.force_login(manager_a)
    response = client.get(
        page("venture-list", venture_a.cohort.blkk), {"cohort": cohort_b.pk}
    )
    assert list(response.context["page"].object_list) == []
    assert venture_b.name not in response.content.decode()


# --- a venture's page -----------------------------------------------------------------


def test_a_ventures_page_shows_founders_history_milestones_figures_and_mentors(
    client, manager_a, venture_a, founder_a, mentor_a
):
    milestone = MilestoneFactory(venture=venture_a, title="Mengurus NIB")
    VentureMetricFactory(
        venture=venture_a, period=datetime.date(2026, 11, 1), revenue=1_250_000
    )
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile,
        venture=venture_a,
        start_date=datetime.date(2026, 2, 1),
    )
    client.force_login(manager_a)
    response = client.get(page("venture-detail", venture_a.cohort.blkk, venture_a.pk))
    content = response.content.decode()
    # The founder as the picker shows them: name, birth date, whole NIK (her BLKK).
    assert founder_a.full_name in content
    assert "2 Maret 2001" in content
    assert founder_a.nik in content
    assert milestone.title in content
    assert "Rp\u00a01.250.000" in content
    assert "November 2026" in content
    assert mentor_a.mentor_profile.full_name in content
    assert [c.to_stage for c in response.context["history"]] == ["pre_incubation"]
    assert tanggal(VENTURE_START) in content
    # The manager writes: the edit link, the stage form and the milestone buttons.
    blkk = venture_a.cohort.blkk
    assert page("venture-update", blkk, venture_a.pk) in content
    assert page("venture-stage", blkk, venture_a.pk) in content
    assert page("milestone-update", blkk, milestone.pk) in content
    assert page("milestone-create", blkk, venture_a.pk) in content


def test_read_only_staff_see_a_venture_without_write_buttons(
    client, ministry_user, venture_a
):
    milestone = MilestoneFactory(venture=venture_a)
    client.force_login(ministry_user)
    blkk = venture_a.cohort.blkk
    response = client.get(page("venture-detail", blkk, venture_a.pk))
    content = response.content.decode()
    assert response.context["stage_form"] is None
    for write in (
        page("venture-update", blkk, venture_a.pk),
        page("venture-stage", blkk, venture_a.pk),
        page("milestone-update", blkk, milestone.pk),
        page("milestone-create", blkk, venture_a.pk),
    ):
        assert write not in content


def test_province_staff_see_founders_nik_masked_and_nothing_is_logged(
    client, province_user, venture_a, founder_a
):
    client.force_login(province_user)
    response = client.get(page("venture-detail", venture_a.cohort.blkk, venture_a.pk))
    content = response.content.decode()
    assert founder_a.nik not in content
    assert mask_nik(founder_a.nik) in content
    assert not PersonalDataEvent.objects.exists()


def test_ministry_staff_seeing_founders_whole_niks_is_logged(
    client, ministry_user, venture_a, founder_a
):
    client.force_login(ministry_user)
    path = page("venture-detail", venture_a.cohort.blkk, venture_a.pk)
    assert founder_a.nik in client.get(path).content.decode()
    (event,) = PersonalDataEvent.objects.all()
    assert (event.action, event.user, event.rows) == (
        AuditAction.FULL_NIK_VIEW,
        ministry_user,
        1,
    )


# --- adding a venture -----------------------------------------------------------------


def test_a_manager_adds_a_venture_with_its_founders_and_first_stage(
    client, manager_a, cohort_a, founder_a
):
    partner = TraineeFactory(blkk=cohort_a.blkk, full_name="Citra Dewi")
    client.force_login(manager_a)
    response = client.post(
        page("venture-create", cohort_a.blkk),
        _venture_fields(
            cohort_a,
            cohort=cohort_a.pk,
            founders=[founder_a.pk, partner.pk],
            stage="incubation",
            nib="1234567890123",
        ),
    )
    venture = Venture.objects.get(name="Batik Tulis Ayu")
    assert response.status_code == 303
    assert response["Location"] == page("venture-detail", cohort_a.blkk, venture.pk)
    assert set(venture.founders.all()) == {founder_a, partner}
    assert (venture.cohort, venture.stage, venture.nib) == (
        cohort_a,
        "incubation",
        "1234567890123",
    )
    (first,) = StageChange.objects.filter(venture=venture)
    assert (first.from_stage, first.to_stage, first.changed_on, first.changed_by) == (
        "",
        "incubation",
        datetime.date(2026, 11, 2),
        manager_a,
    )


def test_the_founder_picker_tells_namesakes_apart(client, manager_a, cohort_a):
    first = TraineeFactory(
        blkk=cohort_a.blkk,
        full_name="Ayu Lestari",
        birth_date=datetime.date(2001, 3, 2),
    )
    second = TraineeFactory(
        blkk=cohort_a.blkk,
        full_name="Ayu Lestari",
        birth_date=datetime.date(1999, 8, 17),
    )
    client.force_login(manager_a)
    response = client.get(
        page(
            "venture-create",
            cohort_a.blkk,
        )
    )
    labels = dict(response.context["form"].fields["founders"].choices)
    shown = {str(label) for label in labels.values()}
    assert f"Ayu Lestari \u00b7 2 Maret 2001 \u00b7 NIK {first.nik}" in shown
    assert f"Ayu Lestari \u00b7 17 Agustus 1999 \u00b7 NIK {second.nik}" in shown


def test_the_picker_offers_the_people_this_blkk_reaches_only(
    client, manager_a, cohort_a, founder_a, founder_b
):
    enrolled_here = TraineeFactory(blkk=founder_b.blkk, regency=founder_b.regency)
    EnrollmentFactory(trainee=enrolled_here, batch__blkk=cohort_a.blkk)
    client.force_login(manager_a)
    response = client.get(page("venture-create", cohort_a.blkk))
    offered = {
        pk.value for pk, _label in response.context["form"].fields["founders"].choices
    }
    assert offered == {founder_a.pk, enrolled_here.pk}
    # The whole NIK of a person another BLKK registered is logged; her own are not.
    (event,) = PersonalDataEvent.objects.all()
    assert (event.user, event.rows) == (manager_a, 1)


def test_a_venture_without_founders_is_refused_in_the_services_words(
    client, manager_a, cohort_a
):
    expected = refusal(
        lambda: services.venture_create(
            cohort=cohort_a,
            name="Tanpa Pendiri",
            sector="kuliner",
            founders=[],
            started_on=datetime.date(2026, 11, 2),
            by=manager_a,
        )
    )
    client.force_login(manager_a)
    response = client.post(
        page("venture-create", cohort_a.blkk),
        _venture_fields(cohort_a, cohort=cohort_a.pk, name="Tanpa Pendiri"),
    )
    assert response.status_code == 200
    assert expected == [_indonesian("A venture needs at least one founder.")]
    assert response.context["form"].errors["founders"] == expected
    assert not Venture.objects.filter(name="Tanpa Pendiri").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("nib", "12345"), ("started_on", "2026-12-31")],
    ids=["short NIB", "start in the future"],
)
def test_a_venture_the_service_refuses_shows_its_message_and_stores_nothing(
    client, manager_a, cohort_a, founder_a, field, value
):
    fields = {
        "cohort": cohort_a,
        "name": "Ditolak",
        "sector": "kuliner",
        "founders": [founder_a],
        "nib": "",
        "started_on": datetime.date(2026, 11, 2),
        field: value if field == "nib" else datetime.date.fromisoformat(value),
    }
    expected = refusal(lambda: services.venture_create(**fields, by=manager_a))
    client.force_login(manager_a)
    response = client.post(
        page("venture-create", cohort_a.blkk),
        _venture_fields(
            cohort_a,
            cohort=cohort_a.pk,
            founders=[founder_a.pk],
            name="Ditolak",
            **{field: value},
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == expected
    assert not Venture.objects.filter(name="Ditolak").exists()


@pytest.mark.parametrize("other", ["cohort", "founder"])
def test_another_blkks_cohort_or_person_cannot_be_chosen(
    client, manager_a, cohort_a, founder_a, cohort_b, founder_b, other
):
    client.force_login(manager_a)
    response = client.post(
        page("venture-create", cohort_a.blkk),
        _venture_fields(
            cohort_a,
            cohort=(cohort_b if other == "cohort" else cohort_a).pk,
            founders=[(founder_b if other == "founder" else founder_a).pk],
        ),
    )
    assert response.status_code == 200
    assert ("cohort" if other == "cohort" else "founders") in response.context[
        "form"
    ].errors
    assert not Venture.objects.filter(name="Batik Tulis Ayu").exists()


def test_the_add_form_preselects_the_cohort_it_was_opened_from(
    client, manager_a, cohort_a
):
    client.force_login(manager_a)
    response = client.get(
        page("venture-create", cohort_a.blkk), {"cohort": cohort_a.pk}
    )
    assert str(response.context["form"]["cohort"].value()) == str(cohort_a.pk)


# --- changing a venture ---------------------------------------------------------------


def test_a_manager_changes_a_venture_but_not_its_stage_or_start(
    client, manager_a, venture_a, founder_a
):
    partner = TraineeFactory(blkk=venture_a.cohort.blkk)
    client.force_login(manager_a)
    path = page("venture-update", venture_a.cohort.blkk, venture_a.pk)
    form = client.get(path).context["form"]
    assert "stage" not in form.fields
    assert "started_on" not in form.fields
    response = client.post(
        path,
        {
            "cohort": venture_a.cohort.pk,
            "name": "Konveksi Ayu & Citra",
            "sector": "garmen",
            "founders": [founder_a.pk, partner.pk],
            "nib": "",
            # Not fields of this form: ignored, as the stage moves elsewhere.
            "stage": "graduated",
            "started_on": "2026-02-01",
        },
    )
    assert response.status_code == 303
    venture_a.refresh_from_db()
    assert venture_a.name == "Konveksi Ayu & Citra"
    assert set(venture_a.founders.all()) == {founder_a, partner}
    assert (venture_a.stage, venture_a.started_on) == ("pre_incubation", VENTURE_START)


def test_a_founder_the_manager_does_not_see_is_kept(
    client, manager_a, venture_a, founder_a, founder_b
):
    # Set by someone who reaches both BLKKs; Alice does not see Budi.
    venture_a.founders.add(founder_b)
    client.force_login(manager_a)
    path = page("venture-update", venture_a.cohort.blkk, venture_a.pk)
    offered = {
        pk.value
        for pk, _label in client.get(path).context["form"].fields["founders"].choices
    }
    assert founder_b.pk not in offered
    response = client.post(
        path,
        {
            "cohort": venture_a.cohort.pk,
            "name": "Konveksi Ayu Baru",
            "sector": "garmen",
            "founders": [founder_a.pk],
            "nib": "",
        },
    )
    assert response.status_code == 303
    assert set(venture_a.founders.all()) == {founder_a, founder_b}


def test_a_refused_venture_change_stores_nothing(
    client, manager_a, venture_a, founder_a
):
    client.force_login(manager_a)
    response = client.post(
        page("venture-update", venture_a.cohort.blkk, venture_a.pk),
        {
            "cohort": venture_a.cohort.pk,
            "name": "Nama Baru",
            "sector": "garmen",
            "founders": [],
            "nib": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["founders"] == [
        _indonesian("A venture needs at least one founder.")
    ]
    venture_a.refresh_from_db()
    assert venture_a.name == "Konveksi Ayu"
    assert list(venture_a.founders.all()) == [founder_a]


# --- stage moves ----------------------------------------------------------------------


def _move(client, venture, **fields):
    path = page("venture-stage", venture.cohort.blkk, venture.pk)
    return client.post(path, {"changed_on": "2026-12-01", "note": "", **fields})


@pytest.mark.parametrize(
    ("stage", "offered"),
    [
        ("pre_incubation", ["incubation", "post_incubation", "graduated", "dropped"]),
        ("incubation", ["post_incubation", "graduated", "dropped"]),
        ("post_incubation", ["graduated", "dropped"]),
        ("graduated", []),
        ("dropped", []),
    ],
)
def test_only_the_moves_the_rules_allow_are_offered(
    client, manager_a, cohort_a, stage, offered
):
    venture = VentureFactory(cohort=cohort_a, stage=stage)
    client.force_login(manager_a)
    for name in ("venture-stage", "venture-detail"):
        response = client.get(page(name, cohort_a.blkk, venture.pk))
        form = response.context["form" if name == "venture-stage" else "stage_form"]
        assert [value for value, _label in form.fields["to_stage"].choices] == offered
        content = response.content.decode()
        for value in Stage.values:
            assert (f'value="{value}"' in content) == (value in offered)


def test_a_manager_moves_a_venture_forward(client, manager_a, venture_a):
    client.force_login(manager_a)
    response = _move(client, venture_a, to_stage="incubation", note="Siap inkubasi")
    assert response.status_code == 303
    assert response["Location"] == page(
        "venture-detail", venture_a.cohort.blkk, venture_a.pk
    )
    venture_a.refresh_from_db()
    assert venture_a.stage == "incubation"
    last = StageChange.objects.filter(venture=venture_a).latest("pk")
    assert (last.from_stage, last.to_stage, last.changed_on, last.changed_by) == (
        "pre_incubation",
        "incubation",
        datetime.date(2026, 12, 1),
        manager_a,
    )
    assert last.note == "Siap inkubasi"


@pytest.mark.parametrize(
    ("stage", "to_stage"),
    [("incubation", "pre_incubation"), ("graduated", "dropped")],
    ids=["backwards", "from a final stage"],
)
def test_a_forbidden_move_posted_anyway_is_refused_in_the_services_words(
    client, manager_a, cohort_a, stage, to_stage
):
    venture = VentureFactory(cohort=cohort_a, stage=stage)
    expected = refusal(
        lambda: services.venture_change_stage(
            venture=venture,
            to_stage=to_stage,
            changed_on=datetime.date(2026, 12, 1),
            by=manager_a,
        )
    )
    client.force_login(manager_a)
    response = _move(client, venture, to_stage=to_stage)
    assert response.status_code == 200
    assert response.context["form"].errors["to_stage"] == expected
    assert expected[0] in response.content.decode()
    venture.refresh_from_db()
    assert venture.stage == stage
    assert StageChange.objects.filter(venture=venture).count() == 1


def test_a_move_dated_in_the_future_is_refused_and_stores_nothing(
    client, manager_a, venture_a
):
    client.force_login(manager_a)
    response = _move(client, venture_a, to_stage="incubation", changed_on="2026-12-08")
    assert response.status_code == 200
    assert response.context["form"].errors["changed_on"] == [
        _indonesian("This date cannot be in the future.")
    ]
    venture_a.refresh_from_db()
    assert venture_a.stage == "pre_incubation"


def test_a_stage_that_is_not_a_stage_is_refused(client, manager_a, venture_a):
    client.force_login(manager_a)
    response = _move(client, venture_a, to_stage="unicorn")
    assert response.status_code == 200
    assert "to_stage" in response.context["form"].errors
    assert StageChange.objects.filter(venture=venture_a).count() == 1


# --- milestones -----------------------------------------------------------------------


def test_a_manager_adds_a_milestone(client, manager_a, venture_a):
    client.force_login(manager_a)
    response = client.post(
        page("milestone-create", venture_a.cohort.blkk, venture_a.pk),
        {"title": "Sertifikat halal", "due_on": "2027-03-31", "done_on": ""},
    )
    assert response.status_code == 303
    (milestone,) = Milestone.objects.filter(venture=venture_a)
    assert (milestone.title, milestone.due_on, milestone.done_on) == (
        "Sertifikat halal",
        datetime.date(2027, 3, 31),
        None,
    )


def test_a_milestone_the_service_refuses_stores_nothing(client, manager_a, venture_a):
    expected = refusal(
        lambda: services.milestone_create(
            venture=venture_a,
            title="Selesai besok",
            done_on=datetime.date(2026, 12, 8),
            by=manager_a,
        )
    )
    client.force_login(manager_a)
    response = client.post(
        page("milestone-create", venture_a.cohort.blkk, venture_a.pk),
        {"title": "Selesai besok", "due_on": "", "done_on": "2026-12-08"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["done_on"] == expected
    assert not Milestone.objects.exists()


def test_the_ventures_page_marks_a_milestone_done_today(client, manager_a, venture_a):
    milestone = MilestoneFactory(venture=venture_a, due_on=datetime.date(2027, 1, 31))
    client.force_login(manager_a)
    blkk = venture_a.cohort.blkk
    content = client.get(page("venture-detail", blkk, venture_a.pk)).content.decode()
    assert 'name="done_on" value="2026-12-07"' in content
    response = client.post(
        page("milestone-update", blkk, milestone.pk),
        {"title": milestone.title, "due_on": "2027-01-31", "done_on": "2026-12-07"},
    )
    assert response.status_code == 303
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 12, 7)
    assert milestone.due_on == datetime.date(2027, 1, 31)


def test_a_manager_changes_a_milestone(client, manager_a, venture_a):
    milestone = MilestoneFactory(venture=venture_a)
    client.force_login(manager_a)
    path = page("milestone-update", venture_a.cohort.blkk, milestone.pk)
    assert client.get(path).context["form"]["title"].value() == milestone.title
    response = client.post(
        path, {"title": "Mengurus NIB di OSS", "due_on": "", "done_on": ""}
    )
    assert response.status_code == 303
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Mengurus NIB di OSS", None)


def test_a_milestone_without_a_title_is_refused(client, manager_a, venture_a):
    milestone = MilestoneFactory(venture=venture_a)
    client.force_login(manager_a)
    response = client.post(
        page("milestone-update", venture_a.cohort.blkk, milestone.pk),
        {"title": "", "due_on": "", "done_on": ""},
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    milestone.refresh_from_db()
    assert milestone.title.startswith("Mengurus NIB")
