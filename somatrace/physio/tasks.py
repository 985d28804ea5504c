"""Background processing of large uploads (django-tasks)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from somatrace.physio.models import Recording
from somatrace.physio.services import analyse_live, finish_upload


@task()
def process_upload(
    recording_id: int, format_name: str | None, sampling_rate_hz: float | None
) -> None:
    """Read the kept upload, have services.finish_upload analyse it, delete the file."""
    kept = Recording.objects.values_list("upload_path", flat=True).get(pk=recording_id)
    path = Path(kept) if kept else None
    if path is not None and not path.exists():
        # Restored from a backup into another data directory: the file came back here.
        path = settings.DATA_DIR / "uploads" / path.name
    try:
        data = path.read_bytes() if path is not None else None
    except OSError:
        data = None
    finish_upload(recording_id, data, format_name, sampling_rate_hz)
    if path is not None:
        path.unlink(missing_ok=True)


@task()
def analyse_live_recording(recording_id: int) -> None:
    """Analyse a stopped live recording once, over all its beats (services.analyse_live)."""
    analyse_live(recording_id)
