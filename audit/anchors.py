"""Signed anchors: where the sealed chain ended, written outside the database at regular times.

Whoever controls the database could rewrite the whole chain with valid hashes, or cut its end; an anchor written
earlier, out of their reach, then no longer matches. Each anchor is one small object (JSON: time, last sealed event,
its hash, the number of sealed events up to it) signed with Ed25519, written once through a Django storage: a
private folder by default (``AUDIT_ANCHOR_DIR``), an S3 bucket with object lock in production
(``AUDIT_ANCHOR_STORAGE``), where even the bucket's owner cannot delete or overwrite it before its retention ends.

The signing key (``AUDIT_ANCHOR_KEY_FILE``) is read by the sealer only; it belongs to a system user the web
processes and the database do not run as. Verifying needs the public key only (``AUDIT_ANCHOR_PUBLIC_KEY``, else
derived from the key file). Someone who can write to the anchor folder but lacks the key can delete anchors (hence
object lock) but not forge one.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from openmutuelle.config import generated_secret

_PREFIX, _SUFFIX = "anchor-", ".json"


class UnreadableAnchorError(Exception):
    """An anchor object that does not parse, or whose signature does not verify."""

    def __init__(self, name: str, why: str):
        super().__init__(name, why)
        self.name, self.why = name, why


@dataclass(frozen=True)
class Anchor:
    """At ``written_at``, the sealed chain ended at ``event_id`` with ``hash``, after ``events`` sealed events."""

    written_at: str
    event_id: int
    hash: str
    events: int

    def payload(self) -> bytes:
        """The signed bytes: canonical JSON (sorted keys, no spaces)."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("ascii")

    def signed(self, key: Ed25519PrivateKey) -> bytes:
        body = {**asdict(self), "signature": base64.b64encode(key.sign(self.payload())).decode("ascii")}
        return json.dumps(body, sort_keys=True, indent=1).encode("ascii") + b"\n"

    @classmethod
    def verified(cls, raw: bytes, public: Ed25519PublicKey, name: str = "") -> Anchor:
        try:
            body: dict[str, Any] = json.loads(raw)
            signature = base64.b64decode(body.pop("signature"), validate=True)
            anchor = cls(
                written_at=str(body["written_at"]),
                event_id=int(body["event_id"]),
                hash=str(body["hash"]),
                events=int(body["events"]),
            )
            datetime.fromisoformat(anchor.written_at)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise UnreadableAnchorError(name, _("unreadable")) from error
        try:
            public.verify(signature, anchor.payload())
        except InvalidSignature as error:
            raise UnreadableAnchorError(name, _("bad signature")) from error
        return anchor

    @property
    def name(self) -> str:
        """Sorted names sort by event: the last name is the latest anchor."""
        stamp = self.written_at.replace(":", "").replace("-", "").replace("+", "p")
        return f"{_PREFIX}{self.event_id:020d}-{stamp}{_SUFFIX}"


def storage() -> Storage:
    """``AUDIT_ANCHOR_STORAGE`` (a Storage class path); the local folder gets owner-only permissions."""
    backend = import_string(settings.AUDIT_ANCHOR_STORAGE)
    if issubclass(backend, FileSystemStorage):
        return backend(
            location=settings.AUDIT_ANCHOR_DIR, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )
    return backend(**settings.AUDIT_ANCHOR_STORAGE_OPTIONS)


def signing_key() -> Ed25519PrivateKey:
    """The sealer's private key; created on first use outside production (mode 0600)."""
    path = Path(settings.AUDIT_ANCHOR_KEY_FILE)
    if not path.exists() and settings.PRODUCTION:
        raise ImproperlyConfigured(
            f"AUDIT_ANCHOR_KEY_FILE {path} does not exist (create it: manage.py audit_anchor --create-key)."
        )
    text = generated_secret(path, new_key_text)
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def new_key_text() -> str:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def public_key_text(key: Ed25519PrivateKey) -> str:
    return public_text(key.public_key())


def public_text(public: Ed25519PublicKey) -> str:
    """The base64 form of ``AUDIT_ANCHOR_PUBLIC_KEY``."""
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def event_of(name: str) -> int:
    """The last sealed event an anchor covers, read from its object name (``anchor-<event id>-<time>.json``)."""
    return int(name[len(_PREFIX) : len(_PREFIX) + 20])


def public_key() -> Ed25519PublicKey | None:
    """``AUDIT_ANCHOR_PUBLIC_KEY``, else the key file's public half when it is readable; None without either."""
    if settings.AUDIT_ANCHOR_PUBLIC_KEY:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(settings.AUDIT_ANCHOR_PUBLIC_KEY))
    try:
        text = Path(settings.AUDIT_ANCHOR_KEY_FILE).read_text().strip()
    except OSError:
        return None
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text)).public_key()


def write(anchor: Anchor) -> str:
    """Store the signed anchor as a new object; returns its name."""
    return storage().save(anchor.name, ContentFile(anchor.signed(signing_key())))


def names() -> list[str]:
    try:
        _folders, files = storage().listdir("")
    except FileNotFoundError:
        return []
    return sorted(name for name in files if name.startswith(_PREFIX) and name.endswith(_SUFFIX))


def latest() -> Anchor | None:
    """The latest anchor, signature checked (None when there is none)."""
    found = names()
    return _read(found[-1], _public_or_fail()) if found else None


def everything() -> list[Anchor]:
    """Every anchor ever written, signatures checked: an older anchor is exactly what catches a rewrite."""
    found = names()
    if not found:
        return []
    public = _public_or_fail()
    return [_read(name, public) for name in found]


def _public_or_fail() -> Ed25519PublicKey:
    public = public_key()
    if public is None:
        raise UnreadableAnchorError(
            "", _("anchors found but no public key to check them (set AUDIT_ANCHOR_PUBLIC_KEY)")
        )
    return public


def _read(name: str, public: Ed25519PublicKey) -> Anchor:
    with storage().open(name, "rb") as handle:
        return Anchor.verified(handle.read(), public, name)
