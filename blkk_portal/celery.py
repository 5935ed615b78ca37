"""The portal's Celery app: settings come from Django's, under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")

app = Celery("blkk_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every app's tasks take these options (`@shared_task(**RETRYING)`): acknowledged only
# after they finished (`acks_late`), redelivered if their worker dies
# (`reject_on_worker_lost`), and retried with backoff on the database errors that
# pass (a lost connection, a deadlock, a serialization failure); an IntegrityError
# or a DataError would fail again, so they are not retried.
RETRYING = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
