"""What the member's choices hold, for the privacy app (SPEC G1, G2): consents and preferences with their history,
death-benefit beneficiary designations. The consent history is proof and stays; designations go with the contract."""

from __future__ import annotations

from members.models import DeathBenefitDesignation, PreferenceChange
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def export(subject: Subject) -> dict:
    consents = []
    if subject.user is not None:
        consents = [
            {
                "preference": change.code,
                "enabled": change.enabled,
                "made_through": change.source,
                "at": change.created_at,
            }
            for change in PreferenceChange.objects.filter(user=subject.user).order_by("created_at", "pk")
        ]
    designations = []
    if subject.person is not None:
        rows = DeathBenefitDesignation.objects.filter(person=subject.person).select_related("contract")
        designations = [
            {
                "contract_number": row.contract.number,
                "clause": row.clause_type,
                "beneficiaries": row.beneficiaries,
                "effective_date": row.effective_date,
            }
            for row in rows
        ]
    return {"consents_and_preferences": consents, "death_benefit_designations": designations}


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.user is not None and PreferenceChange.objects.filter(user=subject.user).exists():
        outcome.kept.append(Kept("consents"))
    if subject.person is not None and full:
        designations = DeathBenefitDesignation.objects.filter(person=subject.person)
        outcome.add("death_benefit_designations", designations.delete()[0])
    return outcome


register(PrivacyHook(name="members", export=export, erase=erase, order=50))
