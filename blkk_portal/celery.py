"""The portal's Celery app: settings come from Django's, under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerError

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

# Tasks that mail also retry what the mail server refused, dropped or did not answer
# (`smtplib`'s errors are OSErrors), for about three hours: 1, 2, 4 ... 60 minutes.
MAILING = {
    **RETRYING,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 60 * 60,
    "max_retries": 8,
}


class TaskQueueUnavailable(Exception):
    """The broker did not take a task (down, or not answering within
    CELERY_BROKER_TIMEOUT): nothing was queued. The message is for the user."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or gettext("The task queue is not answering. Try again in a few minutes.")
        )


def publish(task: Task, args: tuple = (), *, task_id: str | None = None) -> None:
    """Queue `task`, or raise TaskQueueUnavailable within the bounds the settings
    give a publish (CELERY_BROKER_TIMEOUT, CELERY_TASK_PUBLISH_RETRY_POLICY)."""
    try:
        task.apply_async(args, task_id=task_id)
    except BrokerError as error:
        raise TaskQueueUnavailable() from error


def broker_state(*, timeout: float) -> str:
    """`in-process` when tasks run in this process (no broker configured), else
    `up` if the broker accepts a connection within `timeout` seconds, or `down`.
    One attempt, no retry: a health check must not wait on the broker."""
    if app.conf.task_always_eager:
        return "in-process"
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    connection = app.connection_for_write(
        connect_timeout=timeout, transport_options=options
    )
    try:
        connection.ensure_connection(max_retries=0)
    except (BrokerError, OSError):
        return "down"
    finally:
        connection.release()
    return "up"
