"""The S3-compatible server of ``make prod-like``: moto in server mode on a loopback port, with the documents' bucket.

Objects live in this process's memory: they are gone when it stops (``make prod-like`` starts from a fresh database
each time for that reason). Versioning is turned on, as the README advises for a real bucket.

    python scripts/prod_like_s3.py --port 9000 --bucket openmutuelle-documents
"""

from __future__ import annotations

import argparse
import signal
import threading

import boto3
from moto.server import ThreadedMotoServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--bucket", default="openmutuelle-documents")
    parser.add_argument("--region", default="eu-west-3")
    options = parser.parse_args()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=options.port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{options.port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=options.region, aws_access_key_id="prodlike", aws_secret_access_key="x"
    )
    client.create_bucket(Bucket=options.bucket, CreateBucketConfiguration={"LocationConstraint": options.region})
    client.put_bucket_versioning(Bucket=options.bucket, VersioningConfiguration={"Status": "Enabled"})
    print(f"s3: {endpoint} bucket {options.bucket} (versioned, in memory)", flush=True)  # noqa: T201
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
