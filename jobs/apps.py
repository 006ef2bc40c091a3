from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background work that survives faults (DESIGN: background work): the task worker with its lease, retries,
    dead letters and heartbeats, on the embedded database queue or on RQ over Redis; its health and staff panel."""

    name = "jobs"
