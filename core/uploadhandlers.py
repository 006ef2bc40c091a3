"""Uploads never spooled to a named plaintext file (issue 10: plaintext health data left on disk).

A request up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (the largest per-file limit) is kept in memory by Django's memory
handler; a larger one (several documents at once) goes to an *unlinked* temporary file: it has no name in the
temporary folder, so a killed worker leaves nothing behind, and the kernel frees it when the file is closed.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler


class UnlinkedUploadedFile(UploadedFile):
    """An uploaded file held in an anonymous temporary file (``tempfile.TemporaryFile``: unlinked at creation)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 - closed with the request
        super().__init__(file, name, content_type, size, charset, content_type_extra)


class UnlinkedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, writing to an unlinked file instead of a named ``*.upload`` file."""

    def new_file(self, *args, **kwargs) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = UnlinkedUploadedFile(self.file_name, self.content_type, 0, self.charset, self.content_type_extra)
