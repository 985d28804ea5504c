"""Subject access: one POST downloads everything held about a client as a ZIP."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.transfer.services import subject_access

SPOOL_BYTES = 16 * 1024 * 1024  # larger archives go to a temporary file, not memory


@require_POST
@clinical_required
def client_subject_access(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by FileResponse
    subject_access(request.actor, client, archive)
    archive.seek(0)
    # The file name carries the record's number, never the client's name.
    return FileResponse(  # type: ignore[return-value]
        archive,
        as_attachment=True,
        filename=f"subject-access-{client.pk}.zip",
        content_type="application/zip",
    )
