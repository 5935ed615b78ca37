"""Load the national benchmark dataset (issue #14):
`seed_scale [--factor F] [--seed N] [--baseline] [--no-progress]`.

Into an empty PostgreSQL database only: it migrates the database first when
migrations are pending, refuses one that already holds trainees (or any row of the
tables it loads), then COPYs the dataset of `reports.scale` at `--factor` (1: 4,300
BLKKs, 600,000 trainees, 1,500,000 mentoring sessions...; 0.1 for a quick run)
and creates the measured users (`reports.scale.bench_users`). A progress bar per
table unless `--no-progress` or `--verbosity 0`. No history rows are written.

`--baseline` also times, right after each table is loaded, plain server-side
`INSERT ... SELECT ... FROM generate_series(...)` of the same number of rows into a
copy of the same table (rolled back: the dataset is untouched; not counted in the
load's times) and prints, per table and in total, the seed's time, the baseline's
and their ratio.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports import scale, scale_baseline


def _factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--factor must be a number, not {text!r}.") from None
    return value


class Command(BaseCommand):
    help = (
        "Load the national benchmark dataset with COPY into an empty PostgreSQL "
        "database (issue #14)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--factor",
            type=_factor,
            default=1.0,
            help="Multiplies every size (1: the national dataset; default 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=scale.DEFAULT_SEED,
            help="The same seed (and day) gives the same rows.",
        )
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="Also time plain INSERT ... SELECT FROM generate_series of the same "
            "rows into copies of the same tables, and print the ratios.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bars (also with --verbosity 0).",
        )

    # Operators' tooling speaks English, like Django's own commands.
    @no_translations
    def handle(self, *args, **options) -> None:
        factor = options["factor"]
        verbosity = options["verbosity"]
        try:
            scale.check_factor(factor)
        except scale.ScaleRefused as error:
            raise CommandError(str(error)) from error
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale loads PostgreSQL only (it writes with COPY); this "
                f"database is {connection.vendor}."
            )
        self._migrate(verbosity)
        today = timezone.localdate()
        try:
            report = scale.load(
                factor=factor,
                seed=options["seed"],
                today=today,
                progress=verbosity > 0 and not options["no_progress"],
                baseline=options["baseline"],
            )
        except scale.ScaleRefused as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        # A handful of rows after the load's ANALYZE: the statistics stand.
        users = scale.bench_users(today)
        users_seconds = time.perf_counter() - started
        started = time.perf_counter()
        scale.vacuum()
        vacuum_seconds = time.perf_counter() - started
        if verbosity > 0:
            self._print_load(report, users_seconds)
            self.stdout.write(
                "Measured users (password reports.scale.BENCH_PASSWORD): "
                + ", ".join(f"{key} {user.username}" for key, user in users.items())
            )
            self.stdout.write("History rows (django-simple-history): none written.")
            self.stdout.write(
                f"VACUUM (ANALYZE) of the database, as autovacuum would run it on a "
                f"live one (not part of the load's time): {vacuum_seconds:.1f} s"
            )
        if options["baseline"]:
            rows = scale_baseline.measure(report)
            self.stdout.write(scale_baseline.table(report, rows))

    def _migrate(self, verbosity: int) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            if verbosity > 0:
                self.stdout.write("Migrating first.")
            call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))

    def _print_load(self, report: scale.LoadReport, users_seconds: float) -> None:
        self.stdout.write(
            f"Loaded factor {report.factor:g} (seed {report.seed}, up to "
            f"{report.today}): {report.rows:,} rows in {report.total_seconds:.1f} s"
        )
        self.stdout.write(f"{'table':<48} {'rows':>11} {'seconds':>9}")
        for table in report.tables:
            self.stdout.write(
                f"{table.table:<48} {table.rows:>11,} {table.seconds:>9.2f}"
            )
        self.stdout.write(
            f"{'(regions, sequences, ANALYZE)':<48} {'':>11} "
            f"{report.other_seconds:>9.2f}"
        )
        self.stdout.write(f"{'(measured users)':<48} {'':>11} {users_seconds:>9.2f}")
