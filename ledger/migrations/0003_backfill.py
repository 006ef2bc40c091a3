"""Back-fill the ledger with what was paid before it existed: the accepted items of decided claims and the accepted
third-party-payment invoices (issue 13), so that ceilings count them from now on."""

import uuid

from django.db import migrations
from django.db.models import Q

DECIDED = ("validated", "partially_validated", "rejected")
PAYABLE_INVOICES = ("accepted", "partially_accepted", "paid")


def backfill(apps, schema_editor):
    BenefitLine = apps.get_model("ledger", "BenefitLine")
    CareItem = apps.get_model("claims", "CareItem")
    Invoice = apps.get_model("professionals", "Invoice")
    Affiliation = apps.get_model("contracts", "Affiliation")
    CareCategory = apps.get_model("contracts", "CareCategory")
    lines = []
    items = CareItem.objects.filter(claim__status__in=DECIDED, decision="accepted").select_related("claim")
    for item in items.iterator(chunk_size=2000):
        lines.append(
            BenefitLine(
                public_id=uuid.uuid4(),
                beneficiary_id=item.claim.beneficiary_id,
                contract_id=item.claim.contract_id,
                category_id=item.category_id,
                care_date=item.care_date,
                expense=item.amount_eur,
                base_amount=item.base_amount,
                compulsory_paid=item.compulsory_paid,
                paid_amount=item.reimbursed_amount or 0,
                currency=item.currency,
                original_amount=item.amount,
                exchange_rate=item.exchange_rate,
                channel="online",
                source_type="claims.careitem",
                source_id=str(item.pk),
                reference=f"{item.claim.reference}/{item.position}"[:40],
                explanation=item.explanation or {},
                payment_state="with_source",
            )
        )
    by_domain = {}
    for category in CareCategory.objects.exclude(tp_domain="").order_by("position", "code"):
        by_domain.setdefault(category.tp_domain, category.pk)
    invoices = Invoice.objects.filter(status__in=PAYABLE_INVOICES, accepted_amount__gt=0)
    for invoice in invoices.iterator(chunk_size=2000):
        category_id = invoice.category_id or by_domain.get(invoice.domain)
        affiliation = (
            Affiliation.objects.filter(person_id=invoice.beneficiary_id, start_date__lte=invoice.care_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=invoice.care_date))
            .order_by("-start_date")
            .first()
        )
        if category_id is None or affiliation is None:
            continue  # nothing to count it against: no ceiling can read it
        lines.append(
            BenefitLine(
                public_id=uuid.uuid4(),
                beneficiary_id=invoice.beneficiary_id,
                contract_id=affiliation.contract_id,
                category_id=category_id,
                care_date=invoice.care_date,
                expense=invoice.total_amount,
                base_amount=invoice.base_amount if invoice.base_amount is not None else invoice.compulsory_amount,
                compulsory_paid=invoice.compulsory_amount,
                paid_amount=invoice.accepted_amount,
                channel="tp_invoice",
                source_type="professionals.invoice",
                source_id=str(invoice.pk),
                reference=invoice.number[:40],
                payment_state="with_source",
            )
        )
    BenefitLine.objects.bulk_create(lines, ignore_conflicts=True, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_amounts_check_half_cent"),
        ("professionals", "0002_benefit_ledger"),
        ("claims", "0003_queue_indexes"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
