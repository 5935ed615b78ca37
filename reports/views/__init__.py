"""Portal pages of the reports app, one module per kind of page: each role's home
and a BLKK's page (`home`), the dashboards of ministry and province staff
(`dashboards`); report pages have a module of their own."""

from .dashboards import dashboard, province_dashboard
from .home import blkk_home, home

__all__ = ["blkk_home", "dashboard", "home", "province_dashboard"]
