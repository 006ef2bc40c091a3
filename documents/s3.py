"""The documents' bytes in an S3-compatible bucket (django-storages), still encrypted by ``EncryptedStorage``.

``DOCUMENTS_S3_BUCKET`` turns it on: ``DOCUMENTS_BACKEND_STORAGE`` then defaults to ``documents.s3.DocumentsS3Storage``,
which reads ``settings.DOCUMENTS_S3`` (bucket, endpoint, region, key prefix, credentials) each time it is built.
What reaches the bucket is the framed Fernet ciphertext only (``documents.storage``): the provider never holds a
key. Names are never overwritten (``file_overwrite=False``: a name taken gets a suffix, as on a local folder), objects
are private (no ACL, no public or signed URL: documents are served through access-checked views).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage


@deconstructible(path="documents.s3.DocumentsS3Storage")
class DocumentsS3Storage(S3Storage):
    def __init__(self, **overrides) -> None:
        config = {key: value for key, value in settings.DOCUMENTS_S3.items() if value not in ("", None)}
        super().__init__(
            **{
                **config,
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": False,
                "gzip": False,
                **overrides,
            }
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Documents have no URL: serve them through an access-checked view.")

    def keys(self) -> Iterator[tuple[str, int]]:
        """Every object under the prefix as (name relative to the prefix, size): one listing, no per-object call."""
        prefix = self._normalize_name("")
        prefix = f"{prefix.rstrip('/')}/" if prefix else ""
        paginator = self.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", []):
                yield entry["Key"][len(prefix) :], entry["Size"]
