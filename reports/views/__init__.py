"""Portal pages of the reports app, one module per kind of page: each role's home
and a BLKK's page (`home`); dashboards and report pages have modules of their own."""

from .home import blkk_home, home

__all__ = ["blkk_home", "home"]
