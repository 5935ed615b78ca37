"""A trigram index for searching trainees by any part of their name, on PostgreSQL.

Django's `icontains` compiles to `UPPER(full_name::text) LIKE UPPER('%term%')`, which
no b-tree serves: the ministry's name search read all 300,000 trainees
(docs/benchmarks.md). A GIN index over the same expression with `gin_trgm_ops` serves
it. It is created with SQL here, not declared in `Meta.indexes`, because the portal
also runs on the embedded SQLite file, which has neither pg_trgm nor GIN.
"""

from django.db import migrations

INDEX = "trainee_name_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON training_trainee "
        "USING gin (UPPER(full_name::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("training", "0004_list_order_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
