"""Portal pages of the reports app, one module per kind of page: each role's home
and a BLKK's page (`home`), the dashboards of ministry and province staff
(`dashboards`), stored reports and generating them (`pages`)."""

from .dashboards import dashboard, province_dashboard
from .home import blkk_home, home
from .pages import (
    report_detail,
    report_file,
    report_generate,
    report_list,
    report_run,
    report_run_progress,
)

__all__ = [
    "blkk_home",
    "dashboard",
    "home",
    "province_dashboard",
    "report_detail",
    "report_file",
    "report_generate",
    "report_list",
    "report_run",
    "report_run_progress",
]
