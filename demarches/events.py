"""The audit event types of the request engine (the ``action`` of each audit record)."""

from enum import StrEnum


class RequestEventType(StrEnum):
    SUBMITTED = "request.submitted"
    STATUS_CHANGED = "request.status_changed"
    VALIDATED = "request.validated"
    REJECTED = "request.rejected"
    ASSIGNED = "request.assigned"
    MESSAGE_POSTED = "request.message_posted"
    NOTE_POSTED = "request.internal_note_posted"
    ATTACHMENT_DOWNLOADED = "request.attachment_downloaded"
