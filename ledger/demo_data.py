"""The demo's base tariffs and the compulsory scheme's automatic flow for the demo members (issue 13).

The tariffs come from ``contracts/data/tariffs.csv``. The demo holders of health contracts and their families
received care the Assurance Maladie reimbursed (GP and specialist visits, medicines): its statements arrive as one
NOEMIE file imported through the service, so the complementary's share is computed by the engine and queued for
payment, and the members see it beside their online claims. Statement references are fixed: seeding twice
imports nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from contracts.choices import ProductLine
from contracts.models import Affiliation
from contracts.services import TARIFF_FILE, tariffs_load
from demo.context import DemoContext
from demo.members import holder_number
from ledger import flow
from ledger.models import FlowImport
from ledger.services import flow_import

HOLDERS = 12
FILE_NAME = "noemie-demo.csv"
ACTS = (  # (days ago, category, act code, expense, base, compulsory paid)
    (75, "GP_CONSULTATION", "G", "30.00", "30.00", "19.00"),
    (48, "SPECIALIST_CONSULTATION", "CS", "55.00", "30.00", "19.00"),
    (47, "PHARMACY", "PHMEV", "23.40", "23.40", "15.21"),
    (19, "GP_CONSULTATION", "G", "30.00", "30.00", "19.00"),
    (9, "PHARMACY", "PHMEV", "12.80", "12.80", "8.32"),
)


def build(ctx: DemoContext) -> None:
    changes = tariffs_load(actor=None, content=TARIFF_FILE.read_text(encoding="utf-8"))
    ctx.stats["base tariffs"] += changes.get("basetariff_created", 0)
    if FlowImport.objects.filter(file_name=FILE_NAME).exists():
        return  # a second seed changes nothing
    numbers = [holder_number(index) for index in range(HOLDERS)]
    affiliations = (
        Affiliation.objects.filter(principal__person__membership_number__in=numbers)
        | Affiliation.objects.filter(person__membership_number__in=numbers, principal__isnull=True)
    ).select_related("person", "principal__person", "contract__product")
    rows = []
    for affiliation in affiliations.order_by("pk"):
        if affiliation.contract.product.line != ProductLine.HEALTH or not affiliation.is_open(ctx.today):
            continue
        holder = affiliation.principal.person if affiliation.principal else affiliation.person
        for n, (days, category, code, expense, base, paid) in enumerate(ACTS):
            care_date = ctx.today - timedelta(days=days + affiliation.pk % 5)
            if care_date < affiliation.start_date:
                continue
            rows.append(
                {
                    "statement_ref": f"NOE-DEMO-{affiliation.public_id.hex[:12]}-{n}",
                    "scheme": "CPAM",
                    "membership_number": holder.membership_number,
                    "birth_date": str(affiliation.person.birth_date),
                    "act_code": code,
                    "category": category,
                    "care_date": str(care_date),
                    "expense": expense,
                    "base": base,
                    "compulsory_paid": paid,
                }
            )
    result = flow_import(actor=None, content=flow.to_csv(rows).encode(), file_name=FILE_NAME)
    ctx.stats["automatic reimbursements"] += result.paid_count
