"""The portal's production settings, served with the benchmark's baselines beside it
(`bench.urls`: a raw-SQL view and a plain admin). Only `python -m bench` uses it."""

from blkk_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
