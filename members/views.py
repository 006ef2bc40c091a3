"""Pages of the member space: personal information (M1), beneficiaries (M2), preferences (M12).

Views parse, call one selector or service and render; what the member may see and change
is decided by ``members.selectors`` and the services. Changes the insurer must check are
sent as requests (``demarches``) of the kinds in ``members.request_kinds``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from accounts.decorators import profile_required
from accounts.forms import LanguageForm
from core.identifiers import mask_iban
from demarches import kinds as request_registry
from members import request_forms, selectors, services, stepup
from members.choices import ClauseType, PreferenceSource
from members.forms import BankAccountForm, ContactForm, EmailChangeForm, PreferencesForm, add_errors, payload_of
from members.request_kinds import IbanChangeForm
from people import selectors as people_selectors

SENT = gettext_lazy("Your request has been sent. We will tell you by email when it has been processed.")


def _apply(form, call: Callable[[], object]) -> object | None:
    """Run a service for a valid form; its errors land on the form. The service's result, or None."""
    if not form.is_valid():
        return None
    try:
        return call() or True
    except ValidationError as error:
        add_errors(form, error)
        return None


def _submit(request: HttpRequest, form, kind_code: str, *, payload=None, contract=None):
    """Send a request of ``kind_code`` with the form's documents; the created request, or None with form errors.

    The payload defaults to the kind's own fields of ``form``; ``payload`` may be a callable, read once
    the form is valid.
    """
    from demarches.services import request_submit

    def call():
        data = payload() if callable(payload) else payload
        return request_submit(
            actor=request.profile,
            kind_code=kind_code,
            payload=data if data is not None else payload_of(form, list(form.kind_form.base_fields)),
            subject_person=request.profile.person,
            subject_contract=contract,
            attachments=form.cleaned_data.get("attachments") or [],
            idempotency_key=str(form.cleaned_data.get("idempotency_key") or "") or None,
        )

    return _apply(form, call)


def _sent(request: HttpRequest, created, fallback: str) -> HttpResponse:
    """After a request is sent: its tracking page when the engine has one, else ``fallback``."""
    messages.success(request, SENT)
    try:
        return redirect(reverse("demarches:detail", args=[created.public_id]))
    except (NoReverseMatch, AttributeError):
        return redirect(fallback)


def _editable_person(request: HttpRequest):
    person = request.profile.person
    if not selectors.is_editable(person):
        raise Http404
    return person


def _request_page(request: HttpRequest, form, kind_code: str, heading: str, *, done: str, **submit) -> HttpResponse:
    """A request form page: a valid submission sends the request; otherwise the form with its errors."""
    if request.method == "POST" and (created := _submit(request, form, kind_code, **submit)):
        return _sent(request, created, done)
    context = {"form": form, "kind": request_registry.get(kind_code), "heading": heading, "done": done}
    return render(request, "members/request_form.html", context)


# --- M1 Personal information ---------------------------------------------------------------------------


def _contact_initial(person) -> dict:
    fields = ("address_line1", "address_line2", "postal_code", "city")
    phone = person.phone.as_international if person.phone else ""
    return {**{name: getattr(person, name) for name in fields}, "country": person.country.code, "phone": phone}


def _save_contact(request: HttpRequest, person, form: ContactForm):
    address, phone = form.address(), form.phone_value()
    return services.person_contact_update(actor=request.user, person=person, address=address, phone=phone)


def _ask_email_change(request: HttpRequest, person, form: EmailChangeForm):
    email, password = form.cleaned_data["email"], form.cleaned_data["password"]
    return services.email_change_request(actor=request.user, person=person, new_email=email, password=password)


# The forms of the personal-information page: posted with ``action``, each with its service and its message.
PERSONAL_ACTIONS = {
    "contact": (ContactForm, _save_contact, gettext_lazy("Your address and phone are saved.")),
    "email": (
        EmailChangeForm,
        _ask_email_change,
        gettext_lazy("We have sent a confirmation link to your new address. It is valid 24 hours."),
    ),
}


@profile_required("member")
def personal(request: HttpRequest) -> HttpResponse:
    person = request.profile.person
    page_forms = {"contact": ContactForm(initial=_contact_initial(person)), "email": EmailChangeForm()}
    if request.method == "POST":
        _editable_person(request)
        name = request.POST.get("action", "")
        if name not in PERSONAL_ACTIONS:
            return HttpResponseBadRequest()
        form_class, save, message = PERSONAL_ACTIONS[name]
        form = page_forms[name] = form_class(request.POST)
        if _apply(form, lambda: save(request, person, form)):
            messages.success(request, message)
            return redirect("members:personal")
    context = _personal_context(request, person, page_forms["contact"], page_forms["email"])
    return render(request, "members/personal.html", context)


def _personal_context(request: HttpRequest, person, contact_form, email_form) -> dict:
    account = people_selectors.current_bank_account(person)
    welfare = selectors.welfare_contracts(actor=request.profile).exists()
    return {
        "person": person,
        "editable": selectors.is_editable(person),
        "contact_form": contact_form,
        "email_form": email_form,
        "bank_account": account,
        "iban_masked": mask_iban(account.iban) if account else "",
        "welfare": welfare,
        "reference_salary": selectors.current_reference_salary(person) if welfare else None,
    }


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address: works without logging in, once, for 24 hours."""
    confirmed = services.email_change_confirm(token=token) is not None
    return render(request, "members/email_confirm.html", {"confirmed": confirmed}, status=200 if confirmed else 400)


@profile_required("member")
def bank_account(request: HttpRequest) -> HttpResponse:
    person = _editable_person(request)
    by_request = selectors.iban_change_by_request(actor=request.profile)
    initial = {"holder_name": person.full_name}
    form = BankAccountForm(request.POST or None, request.FILES or None, by_request=by_request, initial=initial)
    if request.method == "POST" and by_request and (created := _submit_iban_change(request, form)):
        return _sent(request, created, "members:personal")
    if request.method == "POST" and not by_request and _apply(form, lambda: _change_iban_now(request, person, form)):
        messages.success(request, _("Your new bank account is saved. We have told you by email."))
        return redirect("members:personal")
    account = people_selectors.current_bank_account(person)
    context = {"form": form, "by_request": by_request, "iban_masked": mask_iban(account.iban) if account else ""}
    return render(request, "members/bank_account.html", context)


def _change_iban_now(request: HttpRequest, person, form: BankAccountForm):
    data = form.cleaned_data
    return services.bank_account_change(
        actor=request.user,
        person=person,
        iban=data["iban"],
        bic=data["bic"],
        holder_name=data["holder_name"],
        password=data["password"],
    )


def _submit_iban_change(request: HttpRequest, form: BankAccountForm):
    """Covered only through an employer: the password first, then a request with the IBAN sealed in its payload."""
    if not _apply(form, lambda: stepup.password_confirm(request.user, form.cleaned_data["password"])):
        return None
    kind_form = IbanChangeForm({name: form.cleaned_data[name] for name in ("holder_name", "iban", "bic")})
    if not kind_form.is_valid():
        add_errors(form, ValidationError(kind_form.errors.as_data()))
        return None
    return _submit(request, form, "iban_change", payload=payload_of(kind_form))


@profile_required("member")
def civil_status_request(request: HttpRequest) -> HttpResponse:
    person = _editable_person(request)
    form = request_forms.CivilStatusRequestForm(request.POST or None, request.FILES or None, person=person)
    heading = _("Change my civil status")
    return _request_page(request, form, "civil_status_change", heading, done="members:personal")


@profile_required("member")
def reference_salary_request(request: HttpRequest) -> HttpResponse:
    _editable_person(request)
    contract = selectors.welfare_contracts(actor=request.profile).first()
    if contract is None:
        raise Http404
    form = request_forms.ReferenceSalaryRequestForm(request.POST or None, request.FILES or None)
    heading = _("Change my reference salary")
    return _request_page(request, form, "reference_salary_change", heading, done="members:personal", contract=contract)


# --- M2 Beneficiaries ----------------------------------------------------------------------------------


@profile_required("member")
def beneficiaries(request: HttpRequest) -> HttpResponse:
    covers = selectors.contract_covers(actor=request.profile)
    context = {
        "covers": covers,
        "can_add": any(cover.is_subscriber for cover in covers),
        "editable": selectors.is_editable(request.profile.person),
        "standard_clause": ClauseType.STANDARD.label,
    }
    return render(request, "members/beneficiaries.html", context)


@profile_required("member")
def beneficiary_add(request: HttpRequest) -> HttpResponse:
    _editable_person(request)
    if not selectors.subscriber_affiliations(actor=request.profile).exists():
        raise Http404
    form = request_forms.BeneficiaryAddRequestForm(request.POST or None, request.FILES or None, profile=request.profile)
    heading = _("Add a beneficiary")
    return _request_page(request, form, "beneficiary_add", heading, done="members:beneficiaries")


def _with(post, **values):
    """The posted data with the values the page's address fixes (never taken from the browser)."""
    if post is None:
        return None
    data = post.copy()
    for name, value in values.items():
        data[name] = value
    return data


@profile_required("member")
def beneficiary_remove(request: HttpRequest, public_id) -> HttpResponse:
    _editable_person(request)
    affiliation = selectors.removable_dependant_get(actor=request.profile, public_id=public_id)
    if affiliation is None:
        raise Http404
    data = _with(request.POST or None, affiliation=str(affiliation.public_id))
    form = request_forms.BeneficiaryRemoveRequestForm(
        data, request.FILES or None, profile=request.profile, initial={"affiliation": str(affiliation.public_id)}
    )
    heading = _("Remove %(name)s from my cover") % {"name": affiliation.person.full_name}
    return _request_page(
        request, form, "beneficiary_remove", heading, done="members:beneficiaries", contract=affiliation.contract
    )


def _named_beneficiaries(post, formset) -> str:
    """The formset's filled rows as the kind's JSON field (only for a named clause)."""
    if post.get("clause_type") != ClauseType.NAMED or not formset.is_valid():
        return "[]"
    return json.dumps([row for row in formset.cleaned_data if row], default=str)


@profile_required("member")
def death_beneficiary(request: HttpRequest, contract_id) -> HttpResponse:
    _editable_person(request)
    contract = selectors.welfare_contract_get(actor=request.profile, public_id=contract_id)
    if contract is None:
        raise Http404
    post = request.POST if request.method == "POST" else None
    formset = request_forms.NamedBeneficiaryFormSet(post, prefix="named")
    data = None
    if post is not None:
        data = _with(post, contract=str(contract.public_id), beneficiaries=_named_beneficiaries(post, formset))
    form = request_forms.DeathBeneficiaryRequestForm(
        data, request.FILES or None, profile=request.profile, initial={"contract": str(contract.public_id)}
    )
    if post is not None and (created := _submit(request, form, "death_beneficiary", contract=contract)):
        return _sent(request, created, "members:beneficiaries")
    current = selectors.designation_current(person=request.profile.person, contract=contract)
    context = {"form": form, "formset": formset, "contract": contract, "current": current}
    return render(request, "members/death_beneficiary.html", context)


# --- M12 Preferences -----------------------------------------------------------------------------------


@profile_required("member")
def preferences(request: HttpRequest) -> HttpResponse:
    states = selectors.preference_states(request.user)
    form = PreferencesForm(request.POST or None, states=states)
    if request.method == "POST" and _apply(
        form,
        lambda: services.preferences_save(
            actor=request.user, user=request.user, values=form.cleaned_data, source=PreferenceSource.WEB
        ),
    ):
        messages.success(request, _("Your preferences are saved."))
        return redirect("members:preferences")
    context = {
        "form": form,
        "states": states,
        "history": selectors.preference_history(request.user),
        "language_form": LanguageForm(initial={"language": request.user.language}),
    }
    return render(request, "members/preferences.html", context)


@csrf_exempt  # RFC 8058 one-click POST comes from the mail client, without a session; the token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every marketing email: records the opt-out at once, without logging in."""
    done = services.unsubscribe(token=token)
    context = {"done": done is not None, "code": done[1] if done else ""}
    return render(request, "members/unsubscribe.html", context, status=200 if done else 400)
