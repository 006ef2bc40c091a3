"""The insurer's partners: health professionals with agreements, and brokers with their mandates."""

from __future__ import annotations

from contracts.models import Contract
from contracts.services import mandate_end, mandate_grant
from demo import identifiers
from demo.companies import Employer
from demo.context import DemoContext, add_months, ascii_slug, month_start
from demo.data import AGENTS, PARIS_AREA, PROFESSIONALS, ProfessionalSpec
from demo.members import DOMESTIC, EXPAT, Holding
from people.models import Agent
from people.services import Address, agent_create
from providers.models import HealthProfessional
from providers.services import agreement_create, professional_create


def agent_number(index: int) -> str:
    return f"MD{1024 + index * 211:06d}"


def agreement_number(index: int) -> str:
    return f"TP{75_010_000 + index * 37:08d}"


def professional_identifier(index: int) -> dict[str, str]:
    """The register number of demo professional ``index``: fixed, so logins and the JSON can find it again."""
    spec, (postcode, *_) = PROFESSIONALS[index], PARIS_AREA[index]
    department = postcode[:2]
    if spec.register == "rpps":
        return {"rpps": identifiers.rpps(2_345_678 + index * 7_919)}
    if spec.register == "adeli":
        return {"adeli": identifiers.adeli(department, 9_612_345 + index * 1_013)}
    return {"finess": identifiers.finess(department, 100_200 + index * 131)}


def _professional_add(ctx: DemoContext, index: int, spec: ProfessionalSpec) -> HealthProfessional:
    postcode, city, latitude, longitude = PARIS_AREA[index]
    professional = professional_create(
        actor=None,
        kind=spec.kind,
        name=spec.name,
        specialty=spec.specialty,
        email=f"contact.{ascii_slug(spec.name)[:40]}@example.org",
        phone=identifiers.landline_phone(ctx.rng),
        address=Address(line1=ctx.fake().street_address(), postal_code=postcode, city=city),
        latitude=latitude + ctx.rng.uniform(-0.003, 0.003),
        longitude=longitude + ctx.rng.uniform(-0.004, 0.004),
        is_partner_network=spec.partner,
        **professional_identifier(index),
    )
    start = month_start(ctx.days_ago(180, 6 * 365))
    agreement_create(actor=None, professional=professional, number=agreement_number(index), start_date=start)
    return professional


def professionals_build(ctx: DemoContext) -> list[HealthProfessional]:
    """Twenty Paris-area practitioners and facilities, most in the partner network, each with an agreement."""
    professionals = [_professional_add(ctx, index, spec) for index, spec in enumerate(PROFESSIONALS)]
    ctx.stats["professionals"] += len(professionals)
    return professionals


def agents_build(ctx: DemoContext) -> list[Agent]:
    agents = []
    for index, spec in enumerate(AGENTS):
        siren = identifiers.siren(ctx.rng.randint(40_000_000, 89_999_999))
        agents.append(
            agent_create(
                actor=None,
                membership_number=agent_number(index),
                name=spec.name,
                orias_number=spec.orias,
                siret=identifiers.siret(siren, 1),
                email=f"gestion@{ascii_slug(spec.name)}.example.com",
                phone=identifiers.landline_phone(ctx.rng, area=1 if spec.city == "Paris" else 4),
                address=Address(line1=ctx.fake().street_address(), postal_code=spec.postcode, city=spec.city),
            )
        )
    ctx.stats["agents"] += len(agents)
    return agents


def _open_contracts(holdings: list[Holding], *, shape: str, skip: int) -> list[Contract]:
    """Individual contracts still in force, past the first ``skip`` holders (kept for the logins)."""
    return [
        contract
        for holding in holdings[skip:]
        if holding.shape == shape
        for contract in holding.contracts[:1]
        if contract.end_date is None
    ]


def _grant(ctx: DemoContext, agent: Agent, contract: Contract) -> None:
    start = max(contract.effective_date, month_start(ctx.days_ago(30, 3 * 365)))
    mandate_grant(actor=None, agent=agent, contract=contract, start_date=start)
    ctx.stats["mandates"] += 1


def mandates_build(ctx: DemoContext, agents: list[Agent], holdings: list[Holding], employers: list[Employer]) -> None:
    """Agent 0 manages domestic contracts, agent 1 some more (one mandate since ended), agent 2 expatriates."""
    domestic = _open_contracts(holdings, shape=DOMESTIC, skip=20)
    expat = _open_contracts(holdings, shape=EXPAT, skip=2)
    for contract in domestic[:8]:
        _grant(ctx, agents[0], contract)
    for contract in domestic[8:14]:
        _grant(ctx, agents[1], contract)
    for contract in expat[:8]:
        _grant(ctx, agents[2], contract)
    collective = [(0, employers[2], "health"), (1, employers[3], "health"), (1, employers[6], "health")]
    collective.append((2, employers[8], "expat"))
    for agent_index, employer, key in collective:
        _grant(ctx, agents[agent_index], employer.contracts[key])
    _end_one_mandate(ctx, agents[1])


def _end_one_mandate(ctx: DemoContext, agent: Agent) -> None:
    """The holder took back the management of one contract five months ago."""
    mandate = agent.mandates.select_related("contract").order_by("pk").first()
    end = max(mandate.start_date, add_months(ctx.today, -5))
    mandate_end(actor=None, mandate=mandate, end_date=min(end, ctx.today))
    ctx.stats["mandates_ended"] += 1
