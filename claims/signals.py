"""Signals the claims app sends for the apps built on it (claims imports none of them)."""

from django.dispatch import Signal

# Sent with ``documents`` (a list of CareDocument) once their rows are inserted, inside the transaction that stores
# them: the bulk inserts of a submission or a draft send no ``post_save``.
documents_stored = Signal()
