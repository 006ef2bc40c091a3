"""Euro reference rates: the rate of the care date or the last before it, and the central bank's CSV."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from claims.currency import RateUnavailable, convert, exchange_rates_load, known_currencies, latest_rates, rate_on
from claims.models import ExchangeRate

pytestmark = pytest.mark.django_db

CSV = (
    "Date,USD,JPY,BGN,GBP,\n"
    "2026-01-05,1.1700,182.10,N/A,0.87010,\n"
    "2026-01-02,1.1735,181.21,N/A,0.87193,\n"
    "2025-12-31,1.1749,181.97,1.9558,0.87398,\n"
)


def load(text: str = CSV, *, zipped: bool = False):
    data = text.encode()
    if zipped:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("eurofxref-hist.csv", data)
        data = buffer.getvalue()
    return exchange_rates_load(actor=None, source=io.BytesIO(data))


def test_loading_the_ecb_format_skips_na_cells_and_the_trailing_column():
    report = load()
    assert (report.rows, report.rates) == (3, 10)
    assert report.currencies == ("BGN", "GBP", "JPY", "USD") and report.first == date(2025, 12, 31)
    assert ExchangeRate.objects.get(currency="JPY", date=date(2026, 1, 2)).rate == Decimal("181.21")
    assert not ExchangeRate.objects.filter(currency="BGN", date__year=2026).exists()
    assert AuditEvent.objects.filter(action="claims.exchange_rates_loaded").count() == 1


def test_loading_twice_changes_nothing_and_a_new_file_corrects():
    load()
    load()
    assert ExchangeRate.objects.count() == 10
    load("Date,USD\n2026-01-05,1.1800\n")
    assert ExchangeRate.objects.get(currency="USD", date=date(2026, 1, 5)).rate == Decimal("1.18")
    assert ExchangeRate.objects.count() == 10


def test_a_zipped_file_loads_too():
    assert load(zipped=True).rates == 10


@pytest.mark.parametrize(
    "text",
    [
        "Day,USD\n2026-01-05,1.17\n",
        "Date,US$\n2026-01-05,1.17\n",
        "Date,USD\n05/01/2026,1.17\n",
        "Date,USD\n2026-01-05,-1\n",
        "Date,USD\n2026-01-05,abc\n",
    ],
)
def test_a_malformed_file_loads_nothing(text):
    with pytest.raises(ValidationError):
        load("Date,USD\n2026-01-06,1.17\n" + text.split("\n", 1)[1] if text.startswith("Date,USD") else text)
    assert ExchangeRate.objects.count() == 0


def test_weekends_take_the_last_published_rate():
    load()
    assert rate_on("USD", date(2026, 1, 4)) == (Decimal("1.173500"), date(2026, 1, 2))  # a Sunday
    assert rate_on("USD", date(2026, 1, 1)) == (Decimal("1.174900"), date(2025, 12, 31))  # a holiday
    conversion = convert(Decimal("100.00"), "usd", date(2026, 1, 3))
    assert conversion.amount_eur == Decimal("85.22") and conversion.rate_date == date(2026, 1, 2)
    assert convert(Decimal("10"), "EUR", date(2026, 1, 3)).amount_eur == Decimal("10.00")


def test_no_rate_and_unknown_currency_are_clear_errors():
    load()
    with pytest.raises(RateUnavailable) as error:
        rate_on("USD", date(2025, 6, 1))
    assert error.value.code == "no_rate" and "USD" in error.value.messages[0]
    with pytest.raises(RateUnavailable) as error:
        rate_on("USD", date(2026, 3, 1))  # the table stops two months before: stale
    assert error.value.code == "no_rate"
    with pytest.raises(RateUnavailable) as error:
        rate_on("XYZ", date(2026, 1, 2))
    assert error.value.code == "unknown_currency"


def test_known_currencies_and_latest_rates():
    load()
    assert known_currencies() == ["EUR", "BGN", "GBP", "JPY", "USD"]
    latest = {rate.currency: (rate.date, rate.rate) for rate in latest_rates()}
    assert latest["USD"] == (date(2026, 1, 5), Decimal("1.170000")) and latest["BGN"][0] == date(2025, 12, 31)


def test_the_command_loads_a_file_or_the_sample(tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text(CSV)
    call_command("load_exchange_rates", str(path))
    assert "10 rates" in capsys.readouterr().out
    call_command("load_exchange_rates", "--sample")
    assert ExchangeRate.objects.filter(currency="USD", date__year=2025).count() > 200
    assert rate_on("CHF", date(2026, 11, 22))[1] == date(2026, 11, 20)  # Sunday → Friday
    with pytest.raises(CommandError):
        call_command("load_exchange_rates", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError):
        call_command("load_exchange_rates")
