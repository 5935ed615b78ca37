"""A BLKK's partnerships and the partners under `/blkk/CODE/`: this BLKK's own and
the ministry's national ones, written by the BLKK's managers (national ones by
ministry staff alone, elsewhere); read by ministry and province staff."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    purpose,
    regency,
)
from training.models import Partner, Partnership


def url(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Garmen Sejahtera", regency=regency("32.73"))


@pytest.fixture
def local_a(blkk_a, partner):
    return PartnershipFactory(
        blkk=blkk_a,
        partner=partner,
        agreement_number="PKS/017/2026",
        start_date=days(-100),
        end_date=days(300),
        purposes=[purpose("placement"), purpose("training")],
    )


@pytest.fixture
def national(db):
    return PartnershipFactory(
        blkk=None,
        # In another province: listed on the form as a partnership's partner.
        partner=PartnerFactory(name="Universitas IPB", regency=regency("31.71")),
        start_date=days(-10),
        end_date=None,
    )


@pytest.fixture
def local_b(blkk_b):
    return PartnershipFactory(
        blkk=blkk_b, partner=PartnerFactory(name="PT Surabaya Makmur")
    )


def pages(blkk, partnership) -> dict[str, str]:
    return {
        "list": url("partnership-list", blkk),
        "new": url("partnership-create", blkk),
        "edit": url("partnership-update", blkk, partnership.pk),
        "partners": url("partner-list", blkk),
        "new partner": url("partner-create", blkk),
    }


def partnership_fields(partner, **changes) -> dict:
    return {
        "partner": partner.pk,
        "purposes": ["apprenticeship", "placement"],
        "agreement_number": "PKS/099/2026",
        "signed_on": days(-3).isoformat(),
        "start_date": days(-1).isoformat(),
        "end_date": days(364).isoformat(),
        **changes,
    }


# --- who opens which page -------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "new", "edit", "partners", "new partner"])
def test_every_page_requires_sign_in(client, blkk_a, local_a, page):
    response = client.get(pages(blkk_a, local_a)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "new", "edit", "partners", "new partner"])
def test_the_manager_opens_every_page(client, manager_a, blkk_a, local_a, page):
    response = signed_in(client, manager_a).get(pages(blkk_a, local_a)[page])
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in text(response)


@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
@pytest.mark.parametrize("page", ["list", "new", "edit", "partners", "new partner"])
def test_no_page_for_a_mentor_or_another_blkks_manager(
    client, request, blkk_a, local_a, persona, page
):
    client = signed_in(client, request.getfixturevalue(persona))
    assert client.get(pages(blkk_a, local_a)[page]).status_code == 404


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_without_a_way_to_write(
    client, request, blkk_a, local_a, national, partner, persona
):
    urls = pages(blkk_a, local_a)
    client = signed_in(client, request.getfixturevalue(persona))
    listed = client.get(urls["list"])
    assert listed.status_code == 200
    assert {row.pk for row in listed.context["page"].object_list} == {
        local_a.pk,
        national.pk,
    }
    assert "PT Garmen Sejahtera" in text(listed)
    for page in ("new", "edit", "new partner"):
        assert urls[page] not in text(listed)
    partners = client.get(urls["partners"])
    assert partners.status_code == 200
    assert urls["new partner"] not in text(partners)
    assert urls["new"] not in text(partners)
    for page in ("new", "edit", "new partner"):
        assert client.get(urls[page]).status_code == 403
    assert client.post(urls["new"], partnership_fields(partner)).status_code == 403
    assert client.post(urls["new partner"], {"name": "X"}).status_code == 403
    assert Partnership.objects.count() == 2


# --- the list -------------------------------------------------------------------


def test_the_list_shows_this_blkks_partnerships_and_the_national_ones(
    client, english, manager_a, blkk_a, local_a, national, local_b
):
    response = signed_in(client, manager_a).get(url("partnership-list", blkk_a))

    shown = {row.pk for row in response.context["page"].object_list}
    assert shown == {local_a.pk, national.pk}
    page = text(response)
    assert "PT Surabaya Makmur" not in page
    assert "Training, Placement (penempatan)" in page  # DESIGN.md's order
    assert "National" in page
    assert "only ministry staff change it" in page
    assert url("partnership-update", blkk_a, local_a.pk) in page
    assert url("partnership-update", blkk_a, national.pk) not in page


@pytest.mark.parametrize(
    ("start", "end", "badge"),
    [
        (-100, 300, "Active"),
        (-100, None, "Active"),
        (-100, 60, "Ends within 60 days"),
        (-100, 0, "Ends within 60 days"),
        (-100, -1, "Ended"),
        (5, 90, "Not started yet"),
    ],
)
def test_each_partnership_shows_its_status_today(
    client, english, manager_a, blkk_a, start, end, badge
):
    PartnershipFactory(
        blkk=blkk_a,
        start_date=days(start),
        end_date=None if end is None else days(end),
    )
    response = signed_in(client, manager_a).get(url("partnership-list", blkk_a))
    assert f">{badge}</span>" in text(response)


def test_the_list_is_searched_by_partner_or_agreement_number(
    client, manager_a, blkk_a, local_a, national
):
    client = signed_in(client, manager_a)
    listing = url("partnership-list", blkk_a)

    by_partner = client.get(listing, {"q": "garmen"}).context["page"].object_list
    by_number = client.get(listing, {"q": "pks/017"}).context["page"].object_list
    nothing = client.get(listing, {"q": "tidak ada"})

    assert [row.pk for row in by_partner] == [local_a.pk]
    assert [row.pk for row in by_number] == [local_a.pk]
    assert list(nothing.context["page"].object_list) == []


def test_the_list_is_paginated(client, manager_a, blkk_a):
    PartnershipFactory.create_batch(30, blkk=blkk_a)
    client = signed_in(client, manager_a)
    listing = url("partnership-list", blkk_a)

    first = client.get(listing)
    second = client.get(listing, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_or_30_rows(
    client, manager_a, blkk_a, django_assert_max_num_queries, count
):
    for n in range(count):
        PartnershipFactory(
            blkk=None if n % 3 == 0 else blkk_a,
            purposes=[purpose("training"), purpose("funding")],
        )
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(url("partnership-list", blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)


# --- recording and changing a partnership ---------------------------------------


def test_a_manager_records_a_partnership_of_their_blkk(
    client, manager_a, blkk_a, partner
):
    response = signed_in(client, manager_a).post(
        url("partnership-create", blkk_a), partnership_fields(partner)
    )

    assert response.status_code == 303
    assert response["Location"] == url("partnership-list", blkk_a)
    partnership = Partnership.objects.get()
    assert (partnership.blkk, partnership.partner) == (blkk_a, partner)
    assert set(partnership.purposes.values_list("code", flat=True)) == {
        "apprenticeship",
        "placement",
    }
    assert partnership.history.latest().history_user == manager_a


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"purposes": []}, "purposes", "Choose at least one purpose."),
        ({"purposes": ["charity"]}, "purposes", None),
        (
            {"end_date": days(-30).isoformat()},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        (
            {"signed_on": days(2).isoformat()},
            "signed_on",
            "This date cannot be in the future.",
        ),
        ({"start_date": ""}, "start_date", "This field is required."),
        ({"partner": "999999"}, "partner", None),
    ],
)
def test_a_bad_partnership_is_refused_and_nothing_stored(
    client, english, manager_a, blkk_a, partner, changes, field, message
):
    response = signed_in(client, manager_a).post(
        url("partnership-create", blkk_a), {**partnership_fields(partner), **changes}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {field}
    if message is not None:
        assert errors[field] == [message]
    assert not Partnership.objects.exists()


def test_the_form_offers_the_provinces_partners_and_any_chosen_one(
    client, manager_a, blkk_a, partner, national
):
    elsewhere = PartnerFactory(name="PT Jauh", regency=regency("35.78"))
    no_regency = PartnerFactory(name="Kadin Indonesia", regency=None)
    client = signed_in(client, manager_a)
    form_url = url("partnership-create", blkk_a)

    offered = client.get(form_url).context["form"].fields["partner"].choices
    assert [value for value, _label in offered] == [
        "",
        no_regency.pk,
        partner.pk,
        national.partner_id,  # Universitas IPB: a national partnership's partner
    ]
    assert (partner.pk, "PT Garmen Sejahtera · Kota Bandung") in offered

    chosen = client.get(form_url, {"partner": elsewhere.pk})
    assert f'<option value="{elsewhere.pk}" selected>' in text(chosen)
    response = client.post(form_url, partnership_fields(elsewhere))
    assert response.status_code == 303
    assert Partnership.objects.get(blkk=blkk_a).partner == elsewhere


def test_a_partner_in_the_query_that_does_not_exist_is_not_found(
    client, manager_a, blkk_a
):
    client = signed_in(client, manager_a)
    form_url = url("partnership-create", blkk_a)
    assert client.get(form_url, {"partner": "999999"}).status_code == 404
    assert client.get(form_url, {"partner": "\u0661"}).status_code == 404


def test_a_manager_changes_a_partnership_of_their_blkk(
    client, manager_a, blkk_a, local_a, partner
):
    client = signed_in(client, manager_a)
    edit = url("partnership-update", blkk_a, local_a.pk)
    form = client.get(edit)
    assert 'value="PKS/017/2026"' in text(form)
    assert 'value="placement" id="id_purposes_2" checked' in text(form)

    response = client.post(
        edit, partnership_fields(partner, purposes=["mentoring"], end_date="")
    )

    assert response.status_code == 303
    local_a.refresh_from_db()
    assert list(local_a.purposes.values_list("code", flat=True)) == ["mentoring"]
    assert local_a.end_date is None


def test_a_national_partnership_is_not_changed_here(
    client, manager_a, blkk_a, national, partner
):
    client = signed_in(client, manager_a)
    edit = url("partnership-update", blkk_a, national.pk)
    assert client.get(edit).status_code == 403
    assert client.post(edit, partnership_fields(partner)).status_code == 403
    national.refresh_from_db()
    assert national.blkk is None
    assert national.partner != partner


def test_another_blkks_partnership_is_not_found_here(
    client, manager_a, blkk_a, local_b, partner
):
    client = signed_in(client, manager_a)
    edit = url("partnership-update", blkk_a, local_b.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, partnership_fields(partner)).status_code == 404


def test_the_partner_of_a_partnership_with_placements_stays(
    client, english, manager_a, blkk_a
):
    placement = PlacementFactory(trainee__blkk=blkk_a)
    partnership = placement.partnership
    other = PartnerFactory(regency=regency("32.73"))

    response = signed_in(client, manager_a).post(
        url("partnership-update", blkk_a, partnership.pk),
        partnership_fields(other),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["partner"] == [
        "Placements were made through this partnership with its partner, so its "
        "partner cannot be changed: record a new partnership with the other "
        "partner instead."
    ]
    partnership.refresh_from_db()
    assert partnership.partner == placement.partner


# --- partners ---------------------------------------------------------------------


def test_every_partner_is_listed_and_found_by_name_or_kind(
    client, manager_a, blkk_a, partner, local_b
):
    ipb = PartnerFactory(name="Universitas IPB", kind="university")
    client = signed_in(client, manager_a)
    listing = url("partner-list", blkk_a)

    everyone = client.get(listing).context["page"].object_list
    by_name = client.get(listing, {"q": "ipb"}).context["page"].object_list
    by_kind = client.get(listing, {"kind": "university"}).context["page"].object_list

    assert {row.pk for row in everyone} == {partner.pk, ipb.pk, local_b.partner_id}
    assert [row.pk for row in by_name] == [ipb.pk]
    assert [row.pk for row in by_kind] == [ipb.pk]
    page = text(client.get(listing))
    assert f"{url('partnership-create', blkk_a)}?partner={ipb.pk}" in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_partners_list_takes_the_same_queries_for_3_or_30_rows(
    client, manager_a, blkk_a, django_assert_max_num_queries, count
):
    PartnerFactory.create_batch(count)
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(url("partner-list", blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)


def partner_fields(**changes) -> dict:
    return {
        "name": "CV Batik Nusantara",
        "kind": "industry",
        "regency": "32.73",
        "contact_name": "Bagian Produksi",
        "phone": "0225550199",
        "email": "produksi@batik.example",
        **changes,
    }


def test_a_manager_adds_a_partner_and_comes_back_to_the_partnership_form(
    client, manager_a, blkk_a
):
    client = signed_in(client, manager_a)
    form_url = url("partnership-create", blkk_a)
    form = client.get(form_url, {"q": "x"})
    add_url = form.context["add_partner_url"]
    assert add_url.startswith(url("partner-create", blkk_a))
    back = parse_qs(urlsplit(add_url).query)["next"]
    assert back == [f"{form_url}?q=x"]

    response = client.post(add_url, {**partner_fields(), "next": back[0]})

    partner = Partner.objects.get(name="CV Batik Nusantara")
    assert response.status_code == 303
    assert response["Location"] == f"{form_url}?q=x&partner={partner.pk}"
    assert (partner.regency_id, partner.phone) == ("32.73", "0225550199")
    chosen = client.get(response["Location"])
    assert f'<option value="{partner.pk}" selected>' in text(chosen)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"],
)
def test_a_next_address_elsewhere_is_ignored(client, manager_a, blkk_a, next_url):
    response = signed_in(client, manager_a).post(
        url("partner-create", blkk_a) + "?next=" + next_url, partner_fields()
    )
    assert response.status_code == 303
    assert response["Location"].startswith(url("partner-list", blkk_a))


def test_a_partner_already_recorded_is_offered_instead(
    client, english, manager_a, blkk_a, partner
):
    back = url("partnership-create", blkk_a)
    response = signed_in(client, manager_a).post(
        url("partner-create", blkk_a),
        {**partner_fields(name="pt garmen sejahtera"), "next": back},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        f"PT Garmen Sejahtera (Kota Bandung) is already recorded as a partner, "
        f"no. {partner.pk}: choose it instead of adding it again."
    ]
    assert f'href="{back}?partner={partner.pk}"' in text(response)
    assert Partner.objects.count() == 1


def test_a_bad_partner_is_refused_field_by_field(client, english, manager_a, blkk_a):
    response = signed_in(client, manager_a).post(
        url("partner-create", blkk_a),
        partner_fields(name="", phone="12345", email="nope", kind="bank"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "phone", "email", "kind"}
    assert "landline or mobile" in response.context["form"].errors["phone"][0]
    assert not Partner.objects.exists()
