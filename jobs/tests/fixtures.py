"""A task queue that is down, for the tests of work handed over after the commit (import the fixture)."""

from __future__ import annotations

import pytest
from django_tasks import task_backends


@pytest.fixture
def queue_down(monkeypatch):
    """The task queue refuses every task (Redis down, the queue's table unreachable) until ``queue_down.undo()``."""

    def refused(self, task, args, kwargs):
        raise ConnectionRefusedError("the task queue is down")

    monkeypatch.setattr(type(task_backends["default"]), "enqueue", refused)
    return monkeypatch
