"""The reference rows the data migrations load (regions, trades), for tests.

A transactional test (the browser tests' live server, the concurrency tests) ends by
flushing every table, and xdist may run another test on that worker afterwards, which
then finds no province or regency. The look-ups below put the rows back when they
are missing instead of failing, whichever test happens to come next.
"""

from __future__ import annotations

import importlib

from training.models import PartnershipPurpose, Province, Regency, VocationalField


def ensure_reference_data() -> None:
    """Put back the regions, trades and partnership purposes if a transactional
    test's flush removed them."""
    if (
        Province.objects.exists()
        and VocationalField.objects.exists()
        and PartnershipPurpose.objects.exists()
    ):
        return
    from django.apps import apps

    regions = importlib.import_module("training.migrations.0002_load_regions")
    trades = importlib.import_module("training.migrations.0003_load_vocational_fields")
    if not Province.objects.exists():
        regions.load_regions(apps, None)
    if not VocationalField.objects.exists():
        trades.load_vocational_fields(apps, None)
    if not PartnershipPurpose.objects.exists():
        programme = importlib.import_module(
            "training.migrations.0009_programme_records"
        )
        programme.load_partnership_purposes(apps, None)


def reference_row(model, **lookup):
    """The reference row `lookup` names, its table refilled first if it was flushed
    (no extra query when it was not)."""
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist:
        ensure_reference_data()
        return model.objects.get(**lookup)


def province(code: str) -> Province:
    return reference_row(Province, code=code)


def regency(code: str) -> Regency:
    return reference_row(Regency, code=code)


def trade(code: str) -> VocationalField:
    return reference_row(VocationalField, code=code)
