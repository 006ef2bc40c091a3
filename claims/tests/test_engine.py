"""The guarantee engine: worked examples from DOMAIN.md and properties over any sequence of claims."""

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from claims import engine
from claims.engine import Act, Guarantee, ceiling_period, reimburse, reimburse_sequence

D = Decimal


def test_gp_consultation_at_200_percent_of_the_base_minus_the_compulsory_scheme():
    gp = Guarantee(basis="percent_base", rate=D(200))
    result = reimburse(gp, Act(expense=D(60), base=D(30), already_paid=D(21)))
    assert result.amount == D("39.00")
    assert [s.code for s in result.steps] == ["rate_of_base", "minus_compulsory", "remaining_cost"]
    assert result.steps[0].amount == D("60.00") and result.steps[1].amount == D("39.00")


def test_gp_without_excess_fees_pays_only_the_rest_of_the_expense():
    gp = Guarantee(basis="percent_base", rate=D(200))
    result = reimburse(gp, Act(expense=D(30), base=D(30), already_paid=D(21)))
    assert result.amount == D("9.00")  # never above expense minus what others paid
    assert result.steps[-1].code == "remaining_cost" and result.steps[-1].applied


def test_optics_flat_150_every_two_years():
    optics = Guarantee(basis="flat", flat_amount=D(150), period_ceiling=D(150), period_years=2)
    first, second = reimburse_sequence(optics, [Act(D(320), D(0), D("0.09")), Act(D(280), D(0), D(0))])
    assert first.amount == D("150.00")
    assert second.amount == D("0.00")
    assert second.steps[-2].code == "period_ceiling" and second.steps[-2].params["consumed"] == "150.00"
    assert ceiling_period(date(2025, 6, 1), years=2, anchor_year=2022) == (date(2024, 1, 1), date(2025, 12, 31))
    assert ceiling_period(date(2026, 1, 5), years=2, anchor_year=2022) == (date(2026, 1, 1), date(2027, 12, 31))


def test_osteopathy_35_per_session_140_per_year():
    osteo = Guarantee(basis="flat", flat_amount=D(35), period_ceiling=D(140))
    sessions = reimburse_sequence(osteo, [Act(D(60), D(0))] * 5)
    assert [r.amount for r in sessions] == [D("35.00")] * 4 + [D("0.00")]
    cheap = reimburse(osteo, Act(D(25), D(0)))
    assert cheap.amount == D("25.00")  # a flat amount never pays more than the expense


def test_percent_of_cost_per_act_ceiling_and_actual_cost():
    dental = Guarantee(basis="percent_cost", rate=D(80), per_act_ceiling=D(50))
    result = reimburse(dental, Act(D(100), D(0), D(20)))
    assert result.amount == D("50.00")  # 80 - 20 = 60, capped at 50 per act
    assert [s.code for s in result.steps if s.applied] == ["rate_of_cost", "minus_compulsory", "per_act_ceiling"]
    actual = reimburse(Guarantee(basis="actual_cost"), Act(D("99.99"), D(0), D("10.50")))
    assert actual.amount == D("89.49")


def test_paid_more_than_the_rate_gives_zero_and_salary_basis_pays_nothing():
    result = reimburse(Guarantee(basis="percent_base", rate=D(100)), Act(D(50), D(25), D(40)))
    assert result.amount == D("0.00") and result.steps[-1].code == "floor"
    assert reimburse(Guarantee(basis="percent_salary", rate=D(100)), Act(D(50), D(50))).amount == D(0)


def test_explanation_is_plain_json():
    result = reimburse(Guarantee(basis="percent_base", rate=D(200)), Act(D(60), D(30), D(21)))
    as_json = result.as_json()
    assert as_json["amount"] == "39.00"
    assert as_json["steps"][0] == {
        "code": "rate_of_base",
        "amount": "60.00",
        "applied": True,
        "params": {"rate": "200", "base": "30.00"},
    }


# --- Properties ----------------------------------------------------------------------------------

money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2, allow_nan=False, allow_infinity=False)
maybe_ceiling = st.one_of(st.none(), money)


@st.composite
def guarantees(draw):
    basis = draw(st.sampled_from(["percent_base", "percent_cost", "flat", "actual_cost"]))
    return Guarantee(
        basis=basis,
        rate=draw(st.decimals(min_value=D(1), max_value=D(500), places=2)) if basis.startswith("percent") else None,
        flat_amount=draw(money) if basis == "flat" else None,
        per_act_ceiling=draw(maybe_ceiling),
        period_ceiling=draw(maybe_ceiling),
        period_years=draw(st.integers(min_value=1, max_value=3)),
    )


@st.composite
def acts(draw):
    expense = draw(money)
    paid = draw(st.decimals(min_value=D(0), max_value=expense, places=2))
    return Act(expense=expense, base=draw(st.decimals(min_value=D(0), max_value=D(1000), places=2)), already_paid=paid)


@settings(max_examples=300, deadline=None)
@given(guarantees(), st.lists(acts(), min_size=1, max_size=15), st.decimals(min_value=0, max_value=2000, places=2))
def test_any_sequence_respects_every_bound(guarantee, sequence, already_consumed):
    results = reimburse_sequence(guarantee, sequence, consumed=already_consumed)
    for act, result in zip(sequence, results, strict=True):
        assert result.amount >= 0
        assert result.amount <= act.expense - act.already_paid
        assert result.amount == result.amount.quantize(engine.CENT)
        if guarantee.per_act_ceiling is not None:
            assert result.amount <= guarantee.per_act_ceiling
    if guarantee.period_ceiling is not None:
        assert sum(r.amount for r in results) <= max(D(0), guarantee.period_ceiling - already_consumed)


@settings(max_examples=200, deadline=None)
@given(guarantees(), acts())
def test_the_last_step_is_the_amount(guarantee, act):
    result = reimburse(guarantee, act)
    assert result.steps[-1].amount == result.amount
    assert all(isinstance(step.amount, Decimal) for step in result.steps)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 5), st.integers(1990, 2090))
def test_a_ceiling_period_holds_its_date(day, years, anchor):
    start, end = ceiling_period(day, years=years, anchor_year=anchor)
    assert start <= day <= end and end.year - start.year + 1 == years and (start.year - anchor) % years == 0
