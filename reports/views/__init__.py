"""Portal pages of the reports app, one module per kind of page: each role's home
and a BLKK's page (`home`), stored reports and generating them (`pages`); the
dashboards have a module of their own."""

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
    "home",
    "report_detail",
    "report_file",
    "report_generate",
    "report_list",
    "report_run",
    "report_run_progress",
]
