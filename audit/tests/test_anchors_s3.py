"""Signed anchors in an S3 bucket with object lock (README "Signed anchors, outside the database"), against moto's
S3 server: ``audit_anchor`` writes through ``AUDIT_ANCHOR_STORAGE``, ``verify_audit`` reads the anchor back and
still catches an emptied trail, and the bucket refuses to delete the anchor's version before its retention ends."""

from __future__ import annotations

import uuid
from io import StringIO

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.management import CommandError, call_command

from audit.tests import tampering
from documents.tests.s3server import CREDENTIALS, s3_endpoint  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def run(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


@pytest.fixture
def locked_bucket(s3_endpoint, settings, tmp_path):  # noqa: F811 - the fixture imported above
    """A bucket with object lock (compliance mode, one day by default), the anchors' storage."""
    name = f"om-anchors-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-3",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}, ObjectLockEnabledForBucket=True
    )
    client.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}},
        },
    )
    settings.AUDIT_ANCHOR_STORAGE = "storages.backends.s3.S3Storage"
    settings.AUDIT_ANCHOR_STORAGE_OPTIONS = {
        "bucket_name": name,
        "endpoint_url": s3_endpoint,
        "region_name": "eu-west-3",
        "addressing_style": "path",
        "file_overwrite": False,
        **CREDENTIALS,
    }
    settings.AUDIT_ANCHOR_KEY_FILE = tmp_path / "anchor.key"
    settings.AUDIT_ANCHOR_PUBLIC_KEY = ""
    return client, name


def test_an_anchor_in_a_locked_bucket_is_verified_and_cannot_be_deleted(trail, locked_bucket):
    client, name = locked_bucket
    assert run("audit_anchor").strip() == f"Anchored event {trail[4].id}."
    (version,) = client.list_object_versions(Bucket=name)["Versions"]
    assert version["Key"].startswith("anchor-") and version["Key"].endswith(".json")
    with pytest.raises(ClientError, match="AccessDenied"):
        client.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
    assert run("verify_audit").strip() == "Audit trail intact: 5 events"

    tampering.truncate()  # whoever owns the database empties the trail: the anchor in the bucket still says 5
    with pytest.raises(CommandError, match=rf"at event {trail[4].id}: anchor written at \S+ no longer matches"):
        run("verify_audit")
