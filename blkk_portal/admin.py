"""The admin module of the portal's own package: the third-party sections that staff
see, translated or hidden (`admin_third_party`)."""

from blkk_portal import admin_third_party  # noqa: F401
