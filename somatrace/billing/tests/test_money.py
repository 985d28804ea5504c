"""Money arithmetic, worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from somatrace.billing import money
from somatrace.billing.money import Line


def test_three_sessions_at_65_with_20_percent_vat() -> None:
    # Each line: 1 × 65.00 = 65.00 net, 65.00 × 20 / 100 = 13.00 tax.
    # Invoice: net 3 × 65.00 = 195.00, tax 3 × 13.00 = 39.00, total 234.00.
    lines = [Line(1, D("65.00"), D("20"))] * 3
    totals = money.invoice_totals(lines, "GBP")
    assert (totals.net, totals.tax, totals.total) == (D("195.00"), D("39.00"), D("234.00"))


def test_a_line_of_several_units_multiplies_before_tax() -> None:
    # 3 × 65.00 = 195.00; 195.00 × 20 % = 39.00.
    amounts = money.line_amounts(Line(3, D("65.00"), D("20")), "GBP")
    assert (amounts.net, amounts.tax, amounts.total) == (D("195.00"), D("39.00"), D("234.00"))


def test_tax_is_rounded_half_up_per_line() -> None:
    # 0.25 × 10 % = 0.025: half-up gives 0.03 (banker's rounding would give 0.02).
    assert money.line_amounts(Line(1, D("0.25"), D("10")), "GBP").tax == D("0.03")
    # Two such lines: 0.03 + 0.03 = 0.06, the sum of what is printed on each line (rounding
    # the invoice's 0.05 once would print lines that do not add up).
    totals = money.invoice_totals([Line(1, D("0.25"), D("10"))] * 2, "GBP")
    assert (totals.net, totals.tax, totals.total) == (D("0.50"), D("0.06"), D("0.56"))


def test_a_fractional_rate_rounds_to_the_penny() -> None:
    # 42.50 × 7.25 % = 3.08125 -> 3.08; total 45.58.
    amounts = money.line_amounts(Line(1, D("42.50"), D("7.25")), "USD")
    assert (amounts.tax, amounts.total) == (D("3.08"), D("45.58"))


def test_yen_have_no_minor_unit() -> None:
    # 3 × 3333 = 9999 net; 9999 × 10 % = 999.9 -> 1000 tax; 10999 total.
    totals = money.invoice_totals([Line(3, D("3333"), D("10"))], "JPY")
    assert (totals.net, totals.tax, totals.total) == (D("9999"), D("1000"), D("10999"))
    assert money.quantum("JPY") == D("1")
    assert money.quantum("GBP") == D("0.01")


def test_no_tax_when_the_rate_is_zero() -> None:
    totals = money.invoice_totals([Line(2, D("80.00"))], "EUR")
    assert (totals.net, totals.tax, totals.total) == (D("160.00"), D("0.00"), D("160.00"))


def test_money_is_never_a_float() -> None:
    with pytest.raises(TypeError):
        money.to_money(0.1, "GBP")  # type: ignore[arg-type]
    assert money.to_money("0.105", "GBP") == D("0.11")  # half-up
    assert money.to_money(5, "GBP") == D("5.00")


def test_unknown_currencies_and_bad_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown currency"):
        money.minor_units("XXX")
    with pytest.raises(ValueError, match="Not an amount"):
        money.to_money("twelve", "GBP")
    with pytest.raises(ValueError):
        money.line_amounts(Line(0, D("10.00")), "GBP")
    with pytest.raises(ValueError):
        money.line_amounts(Line(1, D("-10.00")), "GBP")


def test_is_exact_spots_amounts_finer_than_the_currency() -> None:
    assert money.is_exact(D("12.50"), "GBP")
    assert not money.is_exact(D("12.505"), "GBP")
    assert not money.is_exact(D("12.5"), "JPY")


def test_balance_is_invoices_less_payments_plus_refunds() -> None:
    # Invoices 234.00 + 78.00 = 312.00; paid 100.00 + 134.00 + 50.00 = 284.00;
    # refunded 20.00. 312.00 - 284.00 + 20.00 = 48.00 still owed.
    owed = money.balance(
        [D("234.00"), D("78.00")], [D("100.00"), D("134.00"), D("50.00")], [D("20.00")]
    )
    assert owed == D("48.00")
    assert money.outstanding(D("234.00"), D("100.00"), D("0")) == D("134.00")
    assert money.balance([], [], []) == D("0")


def test_amounts_are_formatted_for_people() -> None:
    assert money.format_money(D("1234.5"), "GBP") == "£1,234.50"
    assert money.format_money(D("12000"), "JPY") == "¥12,000"
    assert money.format_money(D("90"), "CHF") == "CHF 90.00"
    assert money.format_money(D("-5"), "GBP") == "-£5.00"
