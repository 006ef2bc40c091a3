"""The claims fixtures (a family with a contract, categories) for the sweeper's tests; an S3 server and buckets."""

from claims.tests.conftest import categories, family, product  # noqa: F401 - fixtures
from documents.tests.s3server import s3_bucket, s3_endpoint  # noqa: F401 - fixtures
