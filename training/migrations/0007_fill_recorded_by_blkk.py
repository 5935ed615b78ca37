"""Existing certifications and outcomes belong, for writing, to the BLKK that
registered their person: the one that kept them until the ownership rule existed.

One UPDATE ... FROM per table (set-based, no Python loop over rows); the historical
copies keep what they recorded at the time.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Trainee = apps.get_model("training", "Trainee")
    registering_blkk = Subquery(
        Trainee.objects.filter(pk=OuterRef("trainee_id")).values("blkk_id")[:1]
    )
    for name in ("Certification", "GraduateOutcome"):
        model = apps.get_model("training", name)
        model.objects.filter(recorded_by_blkk__isnull=True).update(
            recorded_by_blkk_id=registering_blkk
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0006_add_recorded_by_blkk")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
