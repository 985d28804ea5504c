"""Background processing of large uploads (django-tasks)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django_tasks import task

from somatrace.physio import formats
from somatrace.physio.models import Recording
from somatrace.physio.services import process_bytes


@task()
def process_upload(
    recording_id: int, format_name: str | None, sampling_rate_hz: float | None
) -> None:
    """Read the saved upload, analyse it, store the series, delete the file. A file that
    cannot be read leaves the recording 'failed' with the line and problem, and no data."""
    recording = Recording.objects.select_related("client__practice", "session").get(pk=recording_id)
    path = Path(recording.upload_path)

    def progress(value: int) -> None:
        Recording.objects.filter(pk=recording_id).update(
            progress=value, status=Recording.Status.PROCESSING
        )

    progress(5)
    try:
        data = path.read_bytes()
        process_bytes(
            recording,
            data,
            format_name=format_name,
            sampling_rate_hz=sampling_rate_hz,
            progress=progress,
        )
    except formats.FormatError as error:
        recording.status = Recording.Status.FAILED
        recording.error = str(error)[:300]
        recording.progress = 100
        recording.set_series([], [])  # type: ignore[arg-type]
    except OSError:
        recording.status = Recording.Status.FAILED
        recording.error = "the uploaded file could not be opened; upload it again"
        recording.progress = 100
    recording.upload_path = ""
    with transaction.atomic():
        recording.save()
    path.unlink(missing_ok=True)
