"""Background processing of large uploads (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from somatrace.physio.models import Recording
from somatrace.physio.services import analyse_live, finish_upload, forget_kept, read_kept


@task()
def process_upload(
    recording_id: int, format_name: str | None, sampling_rate_hz: float | None
) -> None:
    """Read the kept upload from the storage, have services.finish_upload analyse it, delete
    the file."""
    kept = Recording.objects.values_list("upload_path", flat=True).get(pk=recording_id)
    finish_upload(recording_id, read_kept(kept), format_name, sampling_rate_hz)
    forget_kept(kept)


@task()
def analyse_live_recording(recording_id: int) -> None:
    """Analyse a stopped live recording once, over all its beats (services.analyse_live)."""
    analyse_live(recording_id)
