"""Contract documents as PDF (SPEC M3, M6, E3, X4).

The insurance certificate (*attestation d'assurance*), the guarantee description (*tableau de
garanties*) and the general conditions (*conditions générales*) of a contract's product; and the
guarantee table put in words ("200 % BR", "Actual cost", "€150 per year") for pages, PDFs and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import formats, translation
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext, gettext_noop, ngettext

from contracts.choices import AffiliationRole, CompulsorySchemeMode, GuaranteeBasis, ProductLine
from contracts.models import Affiliation, Contract, GuaranteeLine, Product
from documents.downloads import protect
from documents.pdf import paris_today, render_pdf

CERTIFICATE_TEMPLATE = "contracts/pdf/certificate.html"
GUARANTEE_DESCRIPTION_TEMPLATE = "contracts/pdf/guarantee_description.html"
GENERAL_CONDITIONS_TEMPLATE = "contracts/pdf/general_conditions.html"
# Document names, translated when a file name is made in the reader's language.
CERTIFICATE_NAME = gettext_noop("Insurance certificate")
GUARANTEE_DESCRIPTION_NAME = gettext_noop("Guarantee description")
GENERAL_CONDITIONS_NAME = gettext_noop("General conditions")


def _open_on(on: date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def _certificate_affiliation(pk: int, on: date) -> Affiliation:
    """The subscriber's affiliation with what the certificate prints, in two queries.

    Only dependants covered on the day of issue are listed; confidential ones are withheld (SPEC X8).
    """
    dependants = (
        Affiliation.objects.filter(_open_on(on), person__is_confidential=False)
        .select_related("person")
        .order_by("person__birth_date", "pk")
    )
    return (
        Affiliation.objects.select_related("person", "contract__product", "contract__holder_company", "contract__zone")
        .prefetch_related(Prefetch("dependants", queryset=dependants, to_attr="covered_dependants"))
        .get(pk=pk, role=AffiliationRole.SUBSCRIBER)
    )


def certificate_validity(affiliation: Affiliation, on: date) -> tuple[date, date]:
    """From the start of cover to its end, but never beyond 31 December of the year certified.

    Contributions are called year by year: an open-ended contract is certified for one calendar year.
    """
    contract = affiliation.contract
    start = max(affiliation.start_date, contract.effective_date)
    ends = [end for end in (affiliation.end_date, contract.end_date) if end is not None]
    return start, min([*ends, date(max(on.year, start.year), 12, 31)])


def certificate_reference(affiliation: Affiliation, on: date) -> str:
    """Printed on the document so the management centre can tell which certificate a person holds."""
    return f"ATT-{on:%Y%m%d}-{affiliation.public_id.hex[:10].upper()}"


def certificate_pdf(*, affiliation: Affiliation, language: str) -> bytes:
    """The insurance certificate of a subscriber and of the dependants covered today, as PDF bytes."""
    issued_on = paris_today()
    subscriber = _certificate_affiliation(affiliation.pk, issued_on)
    valid_from, valid_to = certificate_validity(subscriber, issued_on)
    context = {
        "affiliation": subscriber,
        "person": subscriber.person,
        "contract": subscriber.contract,
        "covered": [subscriber, *subscriber.covered_dependants],
        "valid_from": valid_from,
        "valid_to": valid_to,
        "issued_on": issued_on,
        "reference": certificate_reference(subscriber, issued_on),
    }
    return render_pdf(CERTIFICATE_TEMPLATE, context, language=language)


# --- The guarantee table in words ----------------------------------------------------------


def money(amount: Decimal) -> str:
    """An amount in euros the reader's way: "€1,500" in English, "1 500 €" in French, cents only when there are."""
    decimals = 0 if amount == amount.to_integral_value() else 2
    figure = formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return gettext("€%(amount)s") % {"amount": figure}


def _rate(rate: Decimal) -> str:
    return formats.number_format(rate.normalize() if rate % 1 else rate.to_integral_value(), use_l10n=True)


def _per_period(amount: Decimal, years: int) -> str:
    return ngettext("%(amount)s per year", "%(amount)s every %(years)s years", years) % {
        "amount": money(amount),
        "years": years,
    }


@dataclass(frozen=True)
class GuaranteeRow:
    """One line of a guarantee table, worded in the active language when it is read (templates, API)."""

    line: GuaranteeLine

    @property
    def category(self) -> str:
        return self.line.category.name

    @property
    def flat_per_period(self) -> bool:
        """A flat amount whose ceiling is the amount itself: "€100 every 2 years" says it all."""
        line = self.line
        return line.basis == GuaranteeBasis.FLAT_AMOUNT and line.annual_ceiling == line.flat_amount

    @property
    def cover(self) -> str:
        """What is paid: "200 % BR", "80 % of the actual cost", "Actual cost", "€25 per act", "€150 per year"."""
        line = self.line
        if line.basis == GuaranteeBasis.PERCENT_OF_BASE and line.rate_non_optam is not None:
            return gettext("%(rate)s %% BR (%(lower)s %% BR for a doctor not adhering to OPTAM)") % {
                "rate": _rate(line.rate), "lower": _rate(line.rate_non_optam)}  # fmt: skip
        if line.basis == GuaranteeBasis.PERCENT_OF_BASE:
            return gettext("%(rate)s %% BR") % {"rate": _rate(line.rate)}
        if line.basis == GuaranteeBasis.PERCENT_OF_COST:
            return gettext("%(rate)s %% of the actual cost") % {"rate": _rate(line.rate)}
        if line.basis == GuaranteeBasis.PERCENT_OF_SALARY:
            return gettext("%(rate)s %% of the reference salary") % {"rate": _rate(line.rate)}
        if line.basis == GuaranteeBasis.ACTUAL_COST:
            return gettext("Actual cost")
        if self.flat_per_period:
            return _per_period(line.flat_amount, line.ceiling_period_years)
        return gettext("%(amount)s per act") % {"amount": money(line.flat_amount)}

    @property
    def ceilings(self) -> list[str]:
        """The limits: per act, and per year (or per 2 years…) and beneficiary."""
        line, limits = self.line, []
        if line.per_act_ceiling is not None:
            limits.append(gettext("up to %(amount)s per act") % {"amount": money(line.per_act_ceiling)})
        if line.annual_ceiling is not None and not self.flat_per_period:
            limits.append(
                gettext("up to %(period)s and beneficiary")
                % {"period": _per_period(line.annual_ceiling, line.ceiling_period_years)}
            )
        return limits


def guarantee_rows(product: Product, on: date | None = None) -> list[GuaranteeRow]:
    """The product's guarantee table in force on ``on`` (default today), care category by care category, in one
    query."""
    lines = GuaranteeLine.objects.in_force(on or paris_today()).filter(product=product)
    lines = lines.select_related("category").order_by("category__position")
    return [GuaranteeRow(line) for line in lines]


# --- Guarantee description and general conditions -------------------------------------------


def _issue_reference(prefix: str, contract: Contract, on: date) -> str:
    return f"{prefix}-{contract.product.code}-{on:%Y%m%d}-{contract.public_id.hex[:6].upper()}"


def _product_context(contract: Contract) -> dict:
    product = contract.product
    issued_on = paris_today()
    return {
        "contract": contract,
        "product": product,
        "rows": guarantee_rows(product),
        "options": list(contract.options.order_by("effective_date", "code")),
        "issued_on": issued_on,
        "is_expat": product.line == ProductLine.EXPAT_HEALTH,
        "is_welfare": product.line == ProductLine.WELFARE,
        "is_cfe_complement": product.scheme_mode == CompulsorySchemeMode.COMPLEMENT_CFE,
        "is_first_euro": product.scheme_mode == CompulsorySchemeMode.FIRST_EURO,
        "is_complement": product.scheme_mode == CompulsorySchemeMode.COMPLEMENT,
    }


def guarantee_description_pdf(*, contract: Contract, language: str) -> bytes:
    """The guarantee description of a contract's product: what is paid per care category, with its ceilings."""
    context = _product_context(contract)
    context["reference"] = _issue_reference("TG", contract, context["issued_on"])
    return render_pdf(GUARANTEE_DESCRIPTION_TEMPLATE, context, language=language)


def mediator() -> dict[str, str]:
    """The consumer mediator named in the complaints article (a setting: ``INSURER["mediator_*"]``)."""
    insurer = settings.INSURER
    return {
        "name": insurer.get("mediator_name", "Médiateur de la consommation de la Mutualité Française"),
        "address": insurer.get("mediator_address", "FNMF, 255 rue de Vaugirard, 75719 Paris Cedex 15"),
        "website": insurer.get("mediator_website", "www.mediateur-mutualite.fr"),
    }


def general_conditions_pdf(*, contract: Contract, language: str) -> bytes:
    """The general conditions of a contract's product, their articles written from the product and the contract."""
    context = _product_context(contract)
    context |= {"reference": _issue_reference("CG", contract, context["issued_on"]), "mediator": mediator()}
    return render_pdf(GENERAL_CONDITIONS_TEMPLATE, context, language=language)


# --- Downloads ----------------------------------------------------------------------------------


def document_filename(title: str, number: str, language: str) -> str:
    """ "attestation-dassurance-IND-2024-0042.pdf": the document's name in the reader's language, then the contract."""
    with translation.override(language):
        return f"{slugify(gettext(title))}-{get_valid_filename(number)}.pdf"


def attachment_response(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """A private download: saved, never shown inline, never sniffed, never kept by a shared cache."""
    return protect(HttpResponse(content, content_type=content_type), filename=filename)
