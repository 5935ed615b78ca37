"""The import's Celery task: a thin wrapper that takes the job's id."""

from __future__ import annotations

from typing import Any, cast

from celery import Task, shared_task

from blkk_portal.celery import RETRYING

from . import services


class ImportTask(Task):
    """Marks the job failed once the task has failed for good (after its retries),
    so that its page stops waiting; its transaction stored nothing."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            services.import_fail(
                job_id=job_id,
                message=services.stopped_on_an_error(),
            )
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(base=ImportTask, **cast(dict[str, Any], RETRYING))
def import_job_run(job_id: int) -> None:
    services.import_run(job_id=job_id)
