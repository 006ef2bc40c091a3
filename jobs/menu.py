"""The background-work panel in the back office, for administrators (failed tasks to re-run)."""

from django.utils.translation import gettext_lazy as _

from backoffice.queues import Queue
from jobs.selectors import JOBS_ROLES, dead_letter_count

BACKOFFICE_QUEUES = [Queue(_("Background tasks that failed"), "jobs:panel", JOBS_ROLES, dead_letter_count)]
