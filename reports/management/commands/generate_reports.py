"""Generate progress reports now, in this process: `generate_reports --period YYYY-MM
[--scope national|province|blkk] [--scope-code CODE] [--mail]`.

Only a month that has ended is generated (the current month in Asia/Jakarta, or a
later one, stops the command with the services' message). Without `--scope`, every
report of the month (every BLKK, province and the country)
from one set-based pass, as beat does on the 1st; `--mail` also mails each BLKK's
managers, once per report.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import translation

from blkk_portal.months import Month
from reports import services
from reports.models import ReportScope
from reports.selectors import scope_blkks


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

    # Operators' tooling speaks English, like Django's own commands.
    @no_translations
    def handle(self, *args, **options) -> None:
        try:
            month = Month.parse(options["period"])
        except ValueError:
            raise CommandError(
                f"--period must be a month as YYYY-MM, not {options['period']!r}."
            ) from None
        scope, code = options["scope"], options["scope_code"]
        if scope is None and code:
            raise CommandError("--scope-code needs --scope.")
        try:
            # Checked first, so that a refusal reads in English like the rest.
            services.ended_month(month)
            if scope is not None:
                scope_blkks(scope, code)
        except ValidationError as error:
            # A month not ended, an unknown scope code: the services' own words.
            raise CommandError("; ".join(error.messages)) from error
        # The files and mail in the portal's language, as the tasks write them.
        with translation.override(settings.LANGUAGE_CODE):
            if scope is None:
                self._generate_month(month, mail=options["mail"])
                return
            report = services.report_generate(
                scope=scope, scope_code=code, period=month
            )
        self.stdout.write(f"Generated {report} ({report.xlsx_file.name}).")

    def _generate_month(self, month: Month, *, mail: bool) -> None:
        report_ids = services.reports_generate_month(month=month)
        mailed = 0
        for report_id in report_ids:
            services.report_files_render(report_id=report_id)
            if mail:
                mailed += services.report_mail_managers(report_id=report_id)
        self.stdout.write(
            f"Generated {len(report_ids)} reports for {month}"
            + (f"; {mailed} messages sent." if mail else ".")
        )
