"""An S3-compatible server for tests: moto in server mode on a loopback port, one fresh bucket per test."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import boto3
import pytest

from core.tests.processes import free_port

CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}  # moto accepts any


@dataclass
class Bucket:
    name: str
    client: object
    config: dict

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port(18500, 18599)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def bucket_config(endpoint: str, name: str) -> dict:
    """``settings.DOCUMENTS_S3`` for a bucket of the test server (what the DOCUMENTS_S3_* variables give)."""
    return {
        "bucket_name": name,
        "endpoint_url": endpoint,
        "region_name": "eu-west-3",
        "location": "",
        "addressing_style": "path",
        **CREDENTIALS,
    }


def new_bucket(endpoint: str) -> Bucket:
    config = bucket_config(endpoint, f"om-test-{uuid.uuid4().hex[:16]}")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=config["region_name"],
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(
        Bucket=config["bucket_name"], CreateBucketConfiguration={"LocationConstraint": config["region_name"]}
    )
    return Bucket(config["bucket_name"], client, config)


@pytest.fixture
def s3_bucket(s3_endpoint, settings) -> Bucket:
    """The documents go to a fresh bucket for this test."""
    bucket = new_bucket(s3_endpoint)
    settings.DOCUMENTS_BACKEND_STORAGE = "documents.s3.DocumentsS3Storage"
    settings.DOCUMENTS_S3 = bucket.config
    return bucket
