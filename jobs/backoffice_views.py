"""The background-work panel, /backoffice/tasks/: live workers, the waiting queue, failed tasks to re-run."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_role_required
from jobs import selectors, services


@staff_role_required(*selectors.JOBS_ROLES)
def panel(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/panel.html", {"overview": selectors.overview()})


@staff_role_required(*selectors.JOBS_ROLES)
@require_POST
def rerun(request: HttpRequest, task_id: str) -> HttpResponse:
    try:
        services.dead_letter_rerun(actor=request.user, task_id=task_id)
    except ValidationError as exc:  # not a dead letter (any more): the same answer as a missing task
        raise Http404 from exc
    messages.success(request, _("The task is back in the queue."))
    return redirect("jobs:panel")
