"""API views that queue background work, answered 503 when the broker refuses it."""

from __future__ import annotations

import functools

from django.db import transaction
from django.http import JsonResponse

from blkk_portal.celery import TaskQueueUnavailable

# How long a client is asked to wait before trying a refused request again.
RETRY_AFTER_SECONDS = 60


def queues_tasks(view):
    """Run `view` in a transaction of its own, as ATOMIC_REQUESTS would, whose
    commit publishes the tasks it queued (`transaction.on_commit`) within the
    request. A broker that does not take one raises TaskQueueUnavailable at commit
    (the service has marked its work failed by then): the answer is 503 with that
    message and `Retry-After`, not a 500 after the view returned."""

    @functools.wraps(view)
    def queueing_view(request, *args, **kwargs):
        try:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except TaskQueueUnavailable as refusal:
            return JsonResponse(
                {"detail": str(refusal)},
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    return transaction.non_atomic_requests(queueing_view)
