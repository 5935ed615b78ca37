"""The baseline `seed_scale --baseline` holds the loader to (issue #14: at most 3x).

For each table the loader wrote, right after the loader wrote it (so that both
run under the same conditions on a shared machine), the same number of rows
inserted by PostgreSQL alone: `INSERT INTO copy SELECT ... FROM
generate_series(1, n) g`, where `copy` is `CREATE TABLE ... (LIKE table INCLUDING
ALL)` (the same columns, defaults, CHECK constraints and indexes) with the table's
foreign keys added and checked at once, as the loader's are. Values are cheap
arithmetic on `g` that meets the same constraints, text as wide on average as the
loaded rows'. Each table is done in a savepoint rolled back afterwards: the dataset
is untouched. Not copied: the placement trigger (its rule needs real enrollments
behind each row), which the loader's placements pay and the baseline's do not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Field

from .scale import LoadReport, loaded_models

DAY_SPAN = 3650
FILLER = "abcdefghijklmnopqrstuvwxyz"

# Columns whose generic value would break a constraint, by table. Placeholders:
# {today}; {<column>_lo} and {<column>_n}, the id range a foreign key column
# draws from.
OVERRIDES: dict[str, dict[str, str]] = {
    "accounts_user": {"role": "'blkk_manager'", "province_id": "NULL"},
    "training_blkk": {
        "lsp_status": "'none'",
        "lsp_license_number": "''",
        "lsp_licensed_on": "NULL",
        "established_year": "(2000 + g % 20)",
        "code": "('B' || lpad(g::text, 8, '0'))",
    },
    "training_blkk_vocational_fields": {
        "vocationalfield_id": "({vocationalfield_id_lo} + (g / {blkk_id_n}) "
        "% {vocationalfield_id_n})",
    },
    "training_blkk_managers": {
        "user_id": "({user_id_lo} + (g / {blkk_id_n}) % {user_id_n})",
    },
    "training_blkkhandover": {
        "to_user_id": "({to_user_id_lo} + (g + 1) % {to_user_id_n})",
    },
    "training_trainingbatch": {
        "start_date": "(DATE '{today}' - (g % 3650)::int)",
        "end_date": "(DATE '{today}' - (g % 3650)::int + 30)",
        "capacity": "16",
    },
    "training_trainee": {
        "nik": "lpad(g::text, 16, '0')",
        "gender": "'M'",
        "birth_date": "(DATE '1980-01-01' + (g % 3650)::int)",
    },
    "training_enrollment": {
        "batch_id": "({batch_id_lo} + (g / {trainee_id_n}) % {batch_id_n})",
        "status": "'completed'",
    },
    "training_certification": {"number": "g::text"},
    "training_instructor_vocational_fields": {
        "vocationalfield_id": "({vocationalfield_id_lo} + (g / {instructor_id_n}) "
        "% {vocationalfield_id_n})",
    },
    "training_instructorqualification": {
        "valid_until": "(DATE '{today}' - (g % 3650)::int + 1095)",
        "number": "('Q' || g)",
    },
    "training_partnership": {
        "end_date": "(DATE '{today}' - (g % 3650)::int + 365)",
    },
    "training_partnership_purposes": {
        "partnershippurpose_id": "(ARRAY[{purposes}])[1 + (g / {partnership_id_n}) "
        "% {purposes_n}]",
    },
    "training_placement": {"status": "'planned'", "end_date": "NULL"},
    "incubator_cohort": {
        "year": "2020",
        "end_date": "(DATE '{today}' - (g % 3650)::int + 180)",
        "applications_open_on": "(DATE '{today}' - (g % 3650)::int - 60)",
        "applications_close_on": "(DATE '{today}' - (g % 3650)::int - 10)",
        "name": "('Kohort ' || g)",
    },
    "incubator_venture": {"nib": "lpad(g::text, 13, '0')"},
    "incubator_venture_founders": {
        "trainee_id": "({trainee_id_lo} + (g / {venture_id_n}) % {trainee_id_n})",
    },
    "incubator_stagechange": {"from_stage": "''", "to_stage": "'pre_incubation'"},
    "incubator_cohortapplication": {
        "applicant_id": "({applicant_id_lo} + (g / {cohort_id_n}) % {applicant_id_n})",
        "status": "'submitted'",
        "decided_on": "NULL",
        "venture_id": "NULL",
    },
    "incubator_cohortapplication_co_applicants": {
        "trainee_id": "({trainee_id_lo} + (g / {cohortapplication_id_n}) "
        "% {trainee_id_n})",
    },
    "incubator_applicationreview": {
        "reviewer_id": "({reviewer_id_lo} + (g / {application_id_n}) "
        "% {reviewer_id_n})",
    },
    "incubator_venturemetric": {
        "period": "(DATE_TRUNC('month', DATE '{today}') - (g / {venture_id_n})::int "
        "* INTERVAL '1 month')::date",
    },
    "incubator_assistance": {
        "venture_id": "NULL",
        "year": "2020",
        "status": "'proposed'",
        "approved_on": "NULL",
        "delivered_on": "NULL",
        "handover_number": "''",
        "last_checked_on": "NULL",
        "condition": "''",
    },
    "incubator_assistancestatuschange": {
        "from_status": "''",
        "to_status": "'proposed'",
    },
    "mentoring_mentor": {"max_active_assignments": "5"},
    "mentoring_mentorassignment": {
        "blkk_id": "NULL",
        "end_date": "(DATE '{today}' - (g % 3650)::int + 100)",
    },
}


@dataclass
class BaselineRow:
    table: str
    rows: int
    seed_seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.seed_seconds / self.baseline_seconds if self.baseline_seconds else 0


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fetch(sql: str, params: Any = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _array(values: list[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _id_range(model: Any, report: LoadReport) -> tuple[int, int]:
    """The first id and the number of ids of a contiguous run of `model`'s rows:
    the loaded users (after any that were there before), or the whole table."""
    from blkk_portal.accounts.models import User

    table = _quote(model._meta.db_table)
    floor = report.user_base if model is User else 0
    low, high, count = _fetch(
        f"SELECT min(id), max(id), count(*) FROM {table} WHERE id >= %s",  # noqa: S608
        [floor],
    )[0]
    if count and high - low + 1 == count:
        return low, count
    return high, 1  # not contiguous: always the last id (still a real one)


def _widths(table: str, columns: list[str]) -> dict[str, int]:
    """The loaded rows' average text width of each of `columns`."""
    if not columns:
        return {}
    averages = ", ".join(
        f"coalesce(round(avg(length({_quote(c)}))), 0)" for c in columns
    )
    row = _fetch(f"SELECT {averages} FROM {_quote(table)}")[0]  # noqa: S608
    return {column: int(width) for column, width in zip(columns, row, strict=True)}


def _generic(field: Field, width: int, n: int, context: dict[str, Any]) -> str:
    """A value of `field`'s type from `g`, within the usual ranges."""
    if field.is_relation:
        column = field.column
        codes = context.get(f"{column}_codes")
        if codes is not None:
            return f"(ARRAY[{codes}])[1 + g % {context[f'{column}_n']}]"
        return f"({context[f'{column}_lo']} + g % {context[f'{column}_n']})"
    if field.primary_key:
        return "g"
    if field.choices:
        values = [str(value) for value, _label in field.flatchoices]
        return f"(ARRAY[{_array(values)}])[1 + g % {len(values)}]"
    kind = field.get_internal_type()
    today = context["today"]
    if kind == "BooleanField":
        return "(g % 2 = 0)"
    if kind == "DateField":
        return f"(DATE '{today}' - (g % {DAY_SPAN})::int)"
    if kind == "DateTimeField":
        return f"(TIMESTAMPTZ '{today} 08:00+07' - (g % {DAY_SPAN}) * INTERVAL '1 day')"
    if kind in ("PositiveBigIntegerField", "BigIntegerField"):
        return "(g * 1000)"
    if "Integer" in kind:
        return "(1 + g % 5)"
    if width <= 0:
        return "''"
    # Unique text stays unique: the digits of g, then filler to the width.
    width = max(width, len(str(n)) + 1)
    return f"rpad(g::text, {width}, '{FILLER}')"


def insert_sql(model: Any, columns: list[str], rows: int, report: LoadReport) -> str:
    """`INSERT INTO {copy} (...) SELECT ... FROM generate_series(1, rows)`, with
    `{copy}` left for the caller."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    table = model._meta.db_table
    context: dict[str, Any] = {"today": report.today.isoformat()}
    text_columns = [
        column
        for column in columns
        if not fields[column].is_relation
        and fields[column].get_internal_type()
        in ("CharField", "TextField", "EmailField", "SlugField")
        and not fields[column].choices
    ]
    widths = _widths(table, text_columns)
    for column in columns:
        field = fields[column]
        if not field.is_relation:
            continue
        parent = field.related_model
        pk = parent._meta.pk
        if pk.get_internal_type() in ("CharField", "SlugField"):
            codes = [
                str(code) for (code,) in parent.objects.values_list("pk").order_by("pk")
            ]
            context[f"{column}_codes"] = _array(codes)
            context[f"{column}_n"] = len(codes)
            if parent._meta.db_table == "training_partnershippurpose":
                context["purposes"], context["purposes_n"] = _array(codes), len(codes)
        else:
            low, count = _id_range(parent, report)
            context[f"{column}_lo"], context[f"{column}_n"] = low, count
    overrides = OVERRIDES.get(table, {})
    expressions = [
        overrides[column].format(**context)
        if column in overrides
        else _generic(fields[column], widths.get(column, 0), rows, context)
        for column in columns
    ]
    names = ", ".join(_quote(c) for c in columns)
    values = ", ".join(expressions)
    # Names and expressions are built here from the models, never from input.
    series = f"generate_series(1, {rows}) AS s(g)"
    return f"INSERT INTO {{copy}} ({names}) SELECT {values} FROM {series}"  # noqa: S608


def measure_table(
    model: Any, columns: list[str], rows: int, report: LoadReport
) -> float:
    """Seconds PostgreSQL takes to insert `rows` generated rows into a copy of
    `model`'s table (rolled back)."""
    table = model._meta.db_table
    copy = _quote(f"seed_baseline_{table}"[:63])
    statement = insert_sql(model, columns, rows, report).format(copy=copy)
    foreign_keys = _fetch(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {copy} (LIKE {_quote(table)} INCLUDING ALL)")
            for number, (definition,) in enumerate(foreign_keys):
                cursor.execute(
                    f"ALTER TABLE {copy} ADD CONSTRAINT "
                    f"{_quote(f'seed_baseline_fk_{number}')} {definition}"
                )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            started = time.perf_counter()
            cursor.execute(statement)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure(report: LoadReport) -> list[BaselineRow]:
    """The baseline of every table the loader wrote, beside the loader's time:
    measured during the load (`load(baseline=True)`), else now."""
    models = {model._meta.db_table: model for model in loaded_models()}
    rows = []
    for load in report.tables:
        if not load.rows:
            continue
        seconds = load.baseline_seconds
        if seconds is None:
            seconds = measure_table(models[load.table], load.columns, load.rows, report)
        rows.append(
            BaselineRow(
                table=load.table,
                rows=load.rows,
                seed_seconds=load.seconds,
                baseline_seconds=seconds,
            )
        )
    return rows


def table(report: LoadReport, rows: list[BaselineRow]) -> str:
    """The comparison as a markdown table: per table, the tables' sum, and the
    whole load (with reading the regions, sequences and ANALYZE)."""
    lines = [
        "Baseline: INSERT ... SELECT FROM generate_series into a LIKE copy of each "
        f"table, right after it was loaded (factor {report.factor:g})",
        "",
        "| table | rows | seed s | baseline s | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.table} | {row.rows:,} | {row.seed_seconds:.2f} | "
            f"{row.baseline_seconds:.2f} | {row.ratio:.2f} |"
        )
    seed = sum(row.seed_seconds for row in rows)
    baseline = sum(row.baseline_seconds for row in rows)
    count = sum(row.rows for row in rows)
    lines.append(
        f"| **tables** | {count:,} | {seed:.2f} | {baseline:.2f} | "
        f"{seed / baseline if baseline else 0:.2f} |"
    )
    lines.append(
        f"| **whole load** (+ regions, sequences, ANALYZE) | {count:,} | "
        f"{report.total_seconds:.2f} | {baseline:.2f} | "
        f"{report.total_seconds / baseline if baseline else 0:.2f} |"
    )
    return "\n".join(lines)
