"""Portal pages of the training app, one module per kind of record; the pieces every
BLKK page shares (`blkk_page`, `BlkkHere`) live in `blkks`."""

from .blkks import BlkkHere, audit_whole_niks, blkk_list, blkk_page, blkks_opened_by

__all__ = ["BlkkHere", "audit_whole_niks", "blkk_list", "blkk_page", "blkks_opened_by"]
