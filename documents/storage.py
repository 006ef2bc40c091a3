"""Encryption at rest for stored documents (SPEC X2).

``EncryptedStorage`` sits in front of the storage that really keeps the bytes
(``settings.DOCUMENTS_BACKEND_STORAGE``: a local folder by default, S3 at scale) and encrypts
everything on its way there. A file is framed so that it is encrypted and decrypted one chunk
at a time and a large upload never sits whole in memory::

    b"OMENC1\\n"  then, per 64 KiB of plaintext: a 4-byte big-endian length + a Fernet token,
                then a zero length marking the end (so a file cut between two frames is detected)

Every frame but the last holds exactly ``CHUNK_SIZE`` plaintext bytes; ``size()`` relies on it.
"""

from __future__ import annotations

import io
import math
import os
import struct
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from core import crypto

MAGIC = b"OMENC1\n"
CHUNK_SIZE = 64 * 1024
_LENGTH = struct.Struct(">I")


class StorageUnavailable(OSError):
    """The storage refused a write (read-only, full, unreachable): an outage, answered 503; nothing partial is kept."""


class CorruptedFileError(ValueError):
    """The stored bytes are not in the encrypted format (no header, or a truncated frame)."""


def fernet_token_size(plaintext_size: int) -> int:
    """Length of a Fernet token: base64url(version 1 + time 8 + IV 16 + AES-CBC blocks + HMAC 32)."""
    ciphertext_size = (plaintext_size // 16 + 1) * 16
    return 4 * math.ceil((1 + 8 + 16 + ciphertext_size + 32) / 3)


FULL_TOKEN_SIZE = fernet_token_size(CHUNK_SIZE)
FULL_FRAME_SIZE = _LENGTH.size + FULL_TOKEN_SIZE
END_MARKER = _LENGTH.pack(0)


class _ChunkStream(io.RawIOBase):
    """A read-only stream over a generator of byte chunks, holding one chunk at a time."""

    def __init__(self, chunks: Generator[bytes, None, None], source: IO[bytes] | None = None) -> None:
        self._chunks = chunks
        self._source = source
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        """Also close the stored file being read, even if reading never started."""
        self._chunks.close()
        if self._source is not None:
            self._source.close()
        super().close()


def _reader(chunks: Generator[bytes, None, None], source: IO[bytes] | None = None) -> io.BufferedReader:
    return io.BufferedReader(_ChunkStream(chunks, source), buffer_size=CHUNK_SIZE)


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    """Read ``size`` bytes, looping because a network stream may return fewer per call."""
    data = bytearray()
    while len(data) < size and (piece := source.read(size - len(data))):
        data += piece
    return bytes(data)


def _plaintext_chunks(content: File) -> Iterator[bytes]:
    """Re-cut the upload into exact ``CHUNK_SIZE`` pieces whatever sizes its reader returns."""
    buffer = bytearray()
    for piece in content.chunks(CHUNK_SIZE):
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


def _framed(tokens: Iterable[bytes]) -> Generator[bytes, None, None]:
    yield MAGIC
    for token in tokens:
        yield _LENGTH.pack(len(token)) + token
    yield END_MARKER


def _frame_length(encrypted: IO[bytes]) -> int:
    header = _read_exactly(encrypted, _LENGTH.size)
    if len(header) < _LENGTH.size:
        raise CorruptedFileError("This encrypted document is cut short.")
    (length,) = _LENGTH.unpack(header)
    if length > FULL_TOKEN_SIZE:
        raise CorruptedFileError("Invalid frame length in an encrypted document.")
    return length


def _tokens(encrypted: IO[bytes]) -> Iterator[bytes]:
    """The Fernet tokens of a framed file positioned after its header (or at any frame), up to the end marker."""
    while length := _frame_length(encrypted):
        token = _read_exactly(encrypted, length)
        if len(token) != length:
            raise CorruptedFileError("Truncated frame in an encrypted document.")
        yield token


def _check_header(encrypted: IO[bytes]) -> None:
    if _read_exactly(encrypted, len(MAGIC)) != MAGIC:
        raise CorruptedFileError("This document is not in the encrypted format.")


def _decrypted(encrypted: IO[bytes]) -> Generator[bytes, None, None]:
    for token in _tokens(encrypted):
        yield crypto.decrypt(token)


class _DecryptedFile(File):
    """An opened document: its size is the plaintext size, asked of the storage on demand."""

    def __init__(self, stream: IO[bytes], name: str, storage: EncryptedStorage) -> None:
        super().__init__(stream, name)
        self._storage = storage

    @cached_property
    def size(self) -> int:
        return self._storage.size(self.name)


@deconstructible(path="documents.storage.EncryptedStorage")
class EncryptedStorage(Storage):
    """The default storage: documents are encrypted before they reach the backend storage.

    Names are kept as given (callers use random names); an existing file is never overwritten.
    ``url()`` refuses: documents are served only through views that check access.
    """

    def __init__(self) -> None:
        self._backend: Storage | None = None
        self._backend_path = ""

    @property
    def backend(self) -> Storage:
        """Built at first use (and again if the setting changes) so settings are read at use time.

        Built without arguments, ``FileSystemStorage`` follows ``MEDIA_ROOT`` even when tests change it.
        """
        path = settings.DOCUMENTS_BACKEND_STORAGE
        key = f"{path} {sorted(getattr(settings, 'DOCUMENTS_S3', {}).items())}"  # another bucket: another backend
        if self._backend is None or key != self._backend_path:
            self._backend, self._backend_path = import_string(path)(), key
        return self._backend

    def _save(self, name: str, content: File) -> str:
        tokens = (crypto.encrypt(chunk) for chunk in _plaintext_chunks(content))
        try:
            return self.backend.save(name, File(_reader(_framed(tokens))))
        except OSError as error:
            self._discard_partial(name)
            raise StorageUnavailable(error.errno, f"The document storage refused a write: {error.strerror}") from error

    def _discard_partial(self, name: str) -> None:
        """A write cut short (full disk) leaves a truncated file: remove it rather than leave it for the sweeper."""
        try:
            self.backend.delete(name)
        except OSError:
            return

    def _open(self, name: str, mode: str = "rb") -> File:
        """Open for reading; a missing or foreign file fails here, not at the first read."""
        if mode != "rb":
            raise ValueError("Encrypted documents are opened in 'rb' mode only; save a new document instead.")
        encrypted = self.backend.open(name, "rb")
        try:
            _check_header(encrypted)
        except CorruptedFileError:
            encrypted.close()
            raise
        return _DecryptedFile(_reader(_decrypted(encrypted), source=encrypted), name, self)

    def size(self, name: str) -> int:
        """The plaintext size, from the stored size and the last frame alone (no full decryption)."""
        body_size = self.backend.size(name) - len(MAGIC) - len(END_MARKER)
        if body_size <= 0:
            return 0
        full_frames = (body_size - 1) // FULL_FRAME_SIZE
        with self.backend.open(name, "rb") as encrypted:
            encrypted.seek(len(MAGIC) + full_frames * FULL_FRAME_SIZE)
            last = next(_tokens(encrypted))
        return full_frames * CHUNK_SIZE + len(crypto.decrypt(last))

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Documents have no public URL: serve them through an access-checked view.")

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend.get_available_name(name, max_length=max_length)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def get_modified_time(self, name: str) -> datetime:
        return self.backend.get_modified_time(name)

    def get_created_time(self, name: str) -> datetime:
        return self.backend.get_created_time(name)

    def get_accessed_time(self, name: str) -> datetime:
        return self.backend.get_accessed_time(name)

    # --- Key rotation --------------------------------------------------------------------

    def stored_names(self, path: str = "") -> Iterator[str]:
        """Every file name under ``path``, walking the folders."""
        try:
            directories, files = self.backend.listdir(path)
        except FileNotFoundError:  # nothing was ever stored
            return
        for file_name in files:
            yield f"{path}/{file_name}" if path else file_name
        for directory in directories:
            yield from self.stored_names(f"{path}/{directory}" if path else directory)

    def rotate(self, name: str) -> None:
        """Re-encrypt one file under the newest key; the old bytes stay until the new ones are complete."""
        with self.backend.open(name, "rb") as encrypted:
            _check_header(encrypted)
            tokens = (crypto.rotate(token) for token in _tokens(encrypted))
            temp_name = self.backend.save(f"{name}.rotating", File(_reader(_framed(tokens))))
        self._replace(temp_name, name)

    def _replace(self, temp_name: str, name: str) -> None:
        """Atomic rename in a local folder; elsewhere (object stores have no rename) delete then copy."""
        backend = self.backend
        if isinstance(backend, FileSystemStorage):
            os.replace(backend.path(temp_name), backend.path(name))
            return
        backend.delete(name)
        with backend.open(temp_name, "rb") as rotated:
            saved_name = backend.save(name, rotated)
        if saved_name != name:
            raise CorruptedFileError(f"Rotated {name!r} was stored as {saved_name!r}; the temporary copy is kept.")
        backend.delete(temp_name)
