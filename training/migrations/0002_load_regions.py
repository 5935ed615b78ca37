"""Load Indonesia's 38 provinces and 514 regencies (Kepmendagri 2025) shipped with the app.

Idempotent: rows are matched by code, so re-running (or a later refresh of the file)
updates names and adds new codes without touching what references them.
"""

import csv
from pathlib import Path

from django.db import migrations

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def load_regions(apps, schema_editor):
    Province = apps.get_model("training", "Province")
    Regency = apps.get_model("training", "Regency")
    with REGIONS_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["level"] == "province":
            Province.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"].strip()}
            )
    for row in rows:
        if row["level"] == "regency":
            Regency.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"].strip(), "province_id": row["parent_code"]},
            )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
