"""The reach table (`TraineeReach`): which BLKKs reach which person, kept by PostgreSQL.

A pair (BLKK, person) is in the table exactly when the person was registered by that
BLKK (`training_trainee.blkk_id`) or is enrolled in one of its batches
(`training_enrollment` joined to `training_trainingbatch`): the union of the base
tables, whatever writes them (the ORM, COPY, hand-written SQL). The triggers below
keep it so on every change:

- trainee insert, and a trainee's BLKK (or id) changed: the new pair is added;
- trainee delete, and a trainee's BLKK changed: the old pair is removed unless an
  enrollment in one of that BLKK's batches still gives it;
- enrollment insert / delete / trainee or batch changed: likewise, the old pair kept
  while the registration or another enrollment at that BLKK still gives it;
- batch's BLKK changed (or a batch inserted or deleted while enrollments name it,
  as a load with deferred foreign keys may): its enrollments' pairs move with it;
- TRUNCATE of any of the three: the table is rebuilt from the base tables.

Inserts and deletes are statement-level triggers with transition tables, so a COPY
or a bulk delete adds or removes its pairs in one set-based statement; updates are
row-level triggers whose WHEN clause skips every update that changes neither the
BLKK nor the person (a status, a phone number) without calling any function.

Concurrency (READ COMMITTED, the portal's level): removing a pair checks that no
other reason remains, so it must see a reason another transaction is adding at the
same time. Adding takes FOR KEY SHARE on the people's rows, removing FOR UPDATE:
the two wait for each other, and the removal's check, a new statement, sees what the
other committed (tests/training/test_concurrency.py).

The SQL runs on PostgreSQL only. On the embedded SQLite file the table stays empty
and the scope reads the base tables (`training.managers.reach_table_kept`): SQLite
rebuilds a table on ALTER, which would drop triggers written for it.
"""

from django.db import migrations, models

TRAINEE = "training_trainee"
ENROLLMENT = "training_enrollment"
BATCH = "training_trainingbatch"
REACH = "training_traineereach"

FUNCTIONS = f"""
-- Every pair the base tables give, in place of whatever the table holds.
CREATE FUNCTION training_reach_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {REACH};
    INSERT INTO {REACH} (blkk_id, trainee_id)
    SELECT blkk_id, id FROM {TRAINEE}
    UNION
    SELECT b.blkk_id, e.trainee_id
    FROM {ENROLLMENT} e JOIN {BATCH} b ON b.id = e.batch_id;
END $$;

-- Add the pairs (blkk_ids[i], trainee_ids[i]) that are missing. FOR KEY SHARE on
-- the people: a concurrent removal (FOR UPDATE) waits for this transaction, then
-- sees the reason it adds.
CREATE FUNCTION training_reach_add(blkk_ids bigint[], trainee_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {TRAINEE} t
    WHERE t.id IN (SELECT unnest(trainee_ids))
    ORDER BY t.id FOR KEY SHARE;
    INSERT INTO {REACH} (blkk_id, trainee_id)
    SELECT pair.blkk_id, pair.trainee_id
    FROM unnest(blkk_ids, trainee_ids) AS pair(blkk_id, trainee_id)
    WHERE pair.blkk_id IS NOT NULL AND pair.trainee_id IS NOT NULL
    ON CONFLICT DO NOTHING;
END $$;

-- Remove the pairs (blkk_ids[i], trainee_ids[i]) that no longer have a reason:
-- neither the person's registration there nor an enrollment in a batch there.
-- FOR UPDATE on the people first: it waits for any transaction adding a reason for
-- them (training_reach_add), and the DELETE, a new statement, sees its rows.
CREATE FUNCTION training_reach_forget(blkk_ids bigint[], trainee_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {TRAINEE} t
    WHERE t.id IN (SELECT unnest(trainee_ids))
    ORDER BY t.id FOR UPDATE;
    DELETE FROM {REACH} r
    USING unnest(blkk_ids, trainee_ids) AS pair(blkk_id, trainee_id)
    WHERE r.blkk_id = pair.blkk_id AND r.trainee_id = pair.trainee_id
      AND NOT EXISTS (
          SELECT 1 FROM {TRAINEE} t
          WHERE t.id = pair.trainee_id AND t.blkk_id = pair.blkk_id)
      AND NOT EXISTS (
          SELECT 1 FROM {ENROLLMENT} e JOIN {BATCH} b ON b.id = e.batch_id
          WHERE e.trainee_id = pair.trainee_id AND b.blkk_id = pair.blkk_id);
END $$;

-- Trainees ------------------------------------------------------------------------

-- A new person: nobody else can enroll them before this commits, so no lock.
CREATE FUNCTION training_reach_trainee_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {REACH} (blkk_id, trainee_id)
    SELECT blkk_id, id FROM added
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_trainee_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM training_reach_add(ARRAY[NEW.blkk_id], ARRAY[NEW.id]);
    PERFORM training_reach_forget(ARRAY[OLD.blkk_id], ARRAY[OLD.id]);
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_trainee_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    blkk_ids bigint[];
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(blkk_id), array_agg(id) INTO blkk_ids, trainee_ids FROM removed;
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_forget(blkk_ids, trainee_ids);
    END IF;
    RETURN NULL;
END $$;

-- Enrollments -----------------------------------------------------------------------

CREATE FUNCTION training_reach_enrollment_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    blkk_ids bigint[];
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(b.blkk_id), array_agg(a.trainee_id) INTO blkk_ids, trainee_ids
    FROM added a JOIN {BATCH} b ON b.id = a.batch_id;
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_add(blkk_ids, trainee_ids);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_enrollment_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM training_reach_add(
        ARRAY(SELECT blkk_id FROM {BATCH} WHERE id = NEW.batch_id),
        ARRAY[NEW.trainee_id]);
    PERFORM training_reach_forget(
        ARRAY(SELECT blkk_id FROM {BATCH} WHERE id = OLD.batch_id),
        ARRAY[OLD.trainee_id]);
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_enrollment_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    blkk_ids bigint[];
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(b.blkk_id), array_agg(r.trainee_id) INTO blkk_ids, trainee_ids
    FROM removed r JOIN {BATCH} b ON b.id = r.batch_id;
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_forget(blkk_ids, trainee_ids);
    END IF;
    RETURN NULL;
END $$;

-- Batches -----------------------------------------------------------------------------

-- Only a load with deferred foreign keys enrolls people in a batch before it exists.
CREATE FUNCTION training_reach_batch_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    blkk_ids bigint[];
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(a.blkk_id), array_agg(e.trainee_id) INTO blkk_ids, trainee_ids
    FROM added a JOIN {ENROLLMENT} e ON e.batch_id = a.id;
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_add(blkk_ids, trainee_ids);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_batch_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(trainee_id) INTO trainee_ids
    FROM {ENROLLMENT} WHERE batch_id IN (OLD.id, NEW.id);
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_add(
            array_fill(NEW.blkk_id, ARRAY[cardinality(trainee_ids)]), trainee_ids);
        PERFORM training_reach_forget(
            array_fill(OLD.blkk_id, ARRAY[cardinality(trainee_ids)]), trainee_ids);
    END IF;
    RETURN NULL;
END $$;

-- Enrollments whose batch is gone give no pair (a PROTECTed batch goes only once its
-- enrollments are gone, unless foreign keys are deferred).
CREATE FUNCTION training_reach_batch_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    blkk_ids bigint[];
    trainee_ids bigint[];
BEGIN
    SELECT array_agg(r.blkk_id), array_agg(e.trainee_id) INTO blkk_ids, trainee_ids
    FROM removed r JOIN {ENROLLMENT} e ON e.batch_id = r.id;
    IF trainee_ids IS NOT NULL THEN
        PERFORM training_reach_forget(blkk_ids, trainee_ids);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION training_reach_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM training_reach_rebuild();
    RETURN NULL;
END $$;
"""

TRIGGERS = f"""
CREATE TRIGGER training_reach_trainee_inserted AFTER INSERT ON {TRAINEE}
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_trainee_inserted();
CREATE TRIGGER training_reach_trainee_moved AFTER UPDATE ON {TRAINEE}
    FOR EACH ROW
    WHEN (OLD.blkk_id IS DISTINCT FROM NEW.blkk_id OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION training_reach_trainee_moved();
CREATE TRIGGER training_reach_trainee_deleted AFTER DELETE ON {TRAINEE}
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_trainee_deleted();

CREATE TRIGGER training_reach_enrollment_inserted AFTER INSERT ON {ENROLLMENT}
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_enrollment_inserted();
CREATE TRIGGER training_reach_enrollment_moved AFTER UPDATE ON {ENROLLMENT}
    FOR EACH ROW
    WHEN (OLD.trainee_id IS DISTINCT FROM NEW.trainee_id
          OR OLD.batch_id IS DISTINCT FROM NEW.batch_id)
    EXECUTE FUNCTION training_reach_enrollment_moved();
CREATE TRIGGER training_reach_enrollment_deleted AFTER DELETE ON {ENROLLMENT}
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_enrollment_deleted();

CREATE TRIGGER training_reach_batch_inserted AFTER INSERT ON {BATCH}
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_batch_inserted();
CREATE TRIGGER training_reach_batch_moved AFTER UPDATE ON {BATCH}
    FOR EACH ROW
    WHEN (OLD.blkk_id IS DISTINCT FROM NEW.blkk_id OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION training_reach_batch_moved();
CREATE TRIGGER training_reach_batch_deleted AFTER DELETE ON {BATCH}
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_batch_deleted();

CREATE TRIGGER training_reach_trainee_truncated AFTER TRUNCATE ON {TRAINEE}
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_truncated();
CREATE TRIGGER training_reach_enrollment_truncated AFTER TRUNCATE ON {ENROLLMENT}
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_truncated();
CREATE TRIGGER training_reach_batch_truncated AFTER TRUNCATE ON {BATCH}
    FOR EACH STATEMENT EXECUTE FUNCTION training_reach_truncated();
"""

TRIGGER_TABLES = {
    "training_reach_trainee_inserted": TRAINEE,
    "training_reach_trainee_moved": TRAINEE,
    "training_reach_trainee_deleted": TRAINEE,
    "training_reach_trainee_truncated": TRAINEE,
    "training_reach_enrollment_inserted": ENROLLMENT,
    "training_reach_enrollment_moved": ENROLLMENT,
    "training_reach_enrollment_deleted": ENROLLMENT,
    "training_reach_enrollment_truncated": ENROLLMENT,
    "training_reach_batch_inserted": BATCH,
    "training_reach_batch_moved": BATCH,
    "training_reach_batch_deleted": BATCH,
    "training_reach_batch_truncated": BATCH,
}
FUNCTION_SIGNATURES = [
    "training_reach_rebuild()",
    "training_reach_add(bigint[], bigint[])",
    "training_reach_forget(bigint[], bigint[])",
    "training_reach_trainee_inserted()",
    "training_reach_trainee_moved()",
    "training_reach_trainee_deleted()",
    "training_reach_enrollment_inserted()",
    "training_reach_enrollment_moved()",
    "training_reach_enrollment_deleted()",
    "training_reach_batch_inserted()",
    "training_reach_batch_moved()",
    "training_reach_batch_deleted()",
    "training_reach_truncated()",
]
DROP = "".join(
    f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
    for name, table in TRIGGER_TABLES.items()
) + "".join(f"DROP FUNCTION IF EXISTS {sig};\n" for sig in FUNCTION_SIGNATURES)


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL on PostgreSQL; nothing on the embedded SQLite file (see above)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("training", "0010_trainee_account")]

    operations = [
        migrations.CreateModel(
            name="TraineeReach",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "blkk",
                        "trainee",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "blkk",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="training.blkk",
                        verbose_name="BLKK",
                    ),
                ),
                (
                    "trainee",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="training.trainee",
                        verbose_name="trainee",
                    ),
                ),
            ],
            options={
                "verbose_name": "BLKK reaching a trainee",
                "verbose_name_plural": "BLKKs reaching trainees",
            },
        ),
        # Triggers first, then the back-fill, in one transaction: a write that
        # commits meanwhile waits for the triggers' table locks, then is kept by them.
        PostgreSQLOnly(FUNCTIONS + TRIGGERS, DROP),
        # ANALYZE: the planner knows the table's size from the first request on.
        PostgreSQLOnly(
            f"SELECT training_reach_rebuild(); ANALYZE {REACH};",
            migrations.RunSQL.noop,
            elidable=True,
        ),
        # The second index after the back-fill: built once, not row by row.
        migrations.AddIndex(
            model_name="traineereach",
            index=models.Index(
                fields=["trainee", "blkk"], name="trainee_reach_trainee_idx"
            ),
        ),
    ]
