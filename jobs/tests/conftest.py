"""Fixtures of the background work tests."""

from jobs.tests.fixtures import queue_down  # noqa: F401 - fixture
