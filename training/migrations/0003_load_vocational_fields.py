"""Seed the trades most BLKKs teach; ministry staff add more in the admin."""

from django.db import migrations

VOCATIONAL_FIELDS = [
    ("menjahit", "Menjahit (Garmen Apparel)"),
    ("tik", "Teknologi Informasi dan Komunikasi (TIK)"),
    ("pengolahan-hasil-pertanian", "Pengolahan Hasil Pertanian"),
    ("otomotif", "Otomotif"),
    ("las", "Pengelasan (Las)"),
    ("tata-rias", "Tata Rias dan Kecantikan"),
    ("tata-boga", "Tata Boga (Pengolahan Makanan)"),
    ("listrik", "Listrik"),
    ("refrigerasi", "Refrigerasi dan Tata Udara"),
    ("pertanian", "Pertanian dan Hortikultura"),
    ("perikanan", "Perikanan"),
    ("peternakan", "Peternakan"),
    ("bangunan", "Konstruksi Bangunan"),
    ("kerajinan", "Kerajinan Tangan"),
    ("bahasa", "Bahasa Asing"),
    ("pariwisata", "Pariwisata dan Perhotelan"),
]


def load_vocational_fields(apps, schema_editor):
    VocationalField = apps.get_model("training", "VocationalField")
    for code, name in VOCATIONAL_FIELDS:
        VocationalField.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("training", "0002_load_regions")]

    operations = [
        migrations.RunPython(load_vocational_fields, migrations.RunPython.noop)
    ]
