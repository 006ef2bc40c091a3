"""Serving a stored document: only after an access check, always as a download, never sniffed or cached."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from demarches.models import RequestAttachment
from documents.downloads import protect


def attachment_response(attachment: RequestAttachment) -> FileResponse:
    return stored_file_response(
        attachment.file.name, filename=attachment.original_name, content_type=attachment.content_type
    )


def stored_file_response(name: str, *, filename: str, content_type: str) -> FileResponse:
    """A document of the encrypted storage as a download (404 when the file is gone)."""
    try:
        stored = default_storage.open(name)
    except FileNotFoundError as error:
        raise Http404 from error
    return protect(FileResponse(stored, content_type=content_type), filename=filename)
