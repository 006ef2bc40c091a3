"""Serving a stored document: only after an access check, always as a download, never sniffed or cached."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from demarches.models import RequestAttachment


def attachment_response(attachment: RequestAttachment) -> FileResponse:
    try:
        stored = default_storage.open(attachment.file.name)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        stored, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
