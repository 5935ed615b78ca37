"""Generate progress reports now: `generate_reports --period YYYY-MM
[--scope national|province|blkk] [--scope-code CODE] [--mail] [--jobs N]`.

Only a month that has ended is generated (the current month in Asia/Jakarta, or a
later one, stops the command with the services' message). Without `--scope`, every
report of the month (every BLKK, province and the country) from one set-based pass,
as beat does on the 1st; then their files, in chunks of `services.CHUNK_SIZE`
reports rendered by `--jobs` processes at once (default: one per CPU this process
may use), as the Celery workers render a run's chunks; `--mail` also mails each
BLKK's managers, once per report, from the process that rendered it.

The processes are forked from this one after its database connections are closed
(each opens its own), and see only what is committed: called inside a transaction
(a test's), the command renders in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import connection, connections
from django.utils import translation

from blkk_portal.months import Month
from reports import services
from reports.models import ReportScope
from reports.selectors import scope_blkks


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def finish_chunk(report_ids: list[int], mail: bool) -> int:
    """Render a chunk's files (one transaction), then mail its BLKK reports now if
    asked; in the portal's language, as the tasks write them. Returns the number
    of messages sent. Run in a pool's process, it closes its connection after, so
    that none is left open when the pool ends."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            services.reports_files_render(report_ids=report_ids)
            if not mail:
                return 0
            return sum(
                services.report_mail_managers(report_id=report_id)
                for report_id in report_ids
            )
    finally:
        if multiprocessing.parent_process() is not None:
            connections.close_all()


class Command(BaseCommand):
    help = "Generate progress reports for a month (all scopes, or one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--scope", choices=ReportScope.values)
        parser.add_argument(
            "--scope-code",
            default="",
            help="The province code or the BLKK's code; none for national.",
        )
        parser.add_argument(
            "--mail",
            action="store_true",
            help="Mail each BLKK's managers their report (monthly run only).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help=(
                "Processes rendering the monthly run's files at once "
                "(default: one per CPU)."
            ),
        )

    # Operators' tooling speaks English, like Django's own commands.
    @no_translations
    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        try:
            month = Month.parse(options["period"])
        except ValueError:
            raise CommandError(
                f"--period must be a month as YYYY-MM, not {options['period']!r}."
            ) from None
        scope, code = options["scope"], options["scope_code"]
        if scope is None and code:
            raise CommandError("--scope-code needs --scope.")
        jobs = options["jobs"]
        if jobs is not None and jobs < 1:
            raise CommandError(f"--jobs must be 1 or more, not {jobs}.")
        try:
            # Checked first, so that a refusal reads in English like the rest.
            services.ended_month(month)
            if scope is not None:
                scope_blkks(scope, code)
        except ValidationError as error:
            # A month not ended, an unknown scope code: the services' own words.
            raise CommandError("; ".join(error.messages)) from error
        if scope is None:
            self._generate_month(
                month, mail=options["mail"], jobs=jobs or default_jobs()
            )
            return
        # The files in the portal's language, as the tasks write them.
        with translation.override(settings.LANGUAGE_CODE):
            report = services.report_generate(
                scope=scope, scope_code=code, period=month
            )
        self.stdout.write(f"Generated {report} ({report.xlsx_file.name}).")

    def _generate_month(self, month: Month, *, mail: bool, jobs: int) -> None:
        started = time.monotonic()
        report_ids = services.reports_generate_month(month=month)
        stored = time.monotonic()
        chunks = [
            report_ids[start : start + services.CHUNK_SIZE]
            for start in range(0, len(report_ids), services.CHUNK_SIZE)
        ]
        jobs = min(jobs, len(chunks))
        if jobs > 1 and not connection.in_atomic_block:
            # A forked process must not share this one's connections.
            connections.close_all()
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context("fork")
            ) as pool:
                mailed = sum(pool.map(finish_chunk, chunks, [mail] * len(chunks)))
        else:
            jobs = 1
            mailed = sum(finish_chunk(chunk, mail) for chunk in chunks)
        if self.verbosity >= 2:
            self.stdout.write(
                f"KPI pass and storing: {stored - started:.1f} s; "
                f"files: {time.monotonic() - stored:.1f} s."
            )
        self.stdout.write(
            f"Generated {len(report_ids)} reports for {month} "
            f"({jobs} process{'es' if jobs > 1 else ''})"
            + (f"; {mailed} messages sent." if mail else ".")
        )
