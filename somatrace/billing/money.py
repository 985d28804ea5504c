"""Money as exact decimals: amounts in a currency's minor unit, invoice lines, tax and
balances. Pure Python (decimal only); a float never enters, since 0.1 + 0.2 != 0.3 in binary.

Rules, stated once here and used by every invoice, receipt and balance:

- An amount has exactly as many decimal places as its currency's minor unit (ISO 4217):
  2 for pounds, euros and dollars, 0 for yen.
- A line's net is quantity × unit price (exact: the unit price is already in minor units).
- Tax is worked out per line and rounded half-up to the minor unit; the invoice's tax is the
  sum of its lines' tax. So every figure printed on an invoice adds up to the printed total
  (no hidden rounding difference), and a line's tax never changes when another line is
  added. HM Revenue & Customs accept line-level rounding to the nearest penny when it is
  applied consistently (VAT Notice 700, section 17.6); half-up is the usual commercial rule
  and the one a client checking by hand expects.
- A client's balance = the totals of their issued (not void) invoices − payments + refunds.
  Positive: the client owes the practice; negative: the practice holds a credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor units (decimal places) of common currencies, from ISO 4217's list one, "Current
# currency & funds code list" (SIX Group, the maintenance agency), column "Minor unit".
MINOR_UNITS: dict[str, int] = {
    "GBP": 2,
    "EUR": 2,
    "USD": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "ZAR": 2,
    "SGD": 2,
    "HKD": 2,
    "INR": 2,
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
}

CURRENCY_NAMES: dict[str, str] = {
    "GBP": "Pound sterling",
    "EUR": "Euro",
    "USD": "US dollar",
    "CAD": "Canadian dollar",
    "AUD": "Australian dollar",
    "NZD": "New Zealand dollar",
    "CHF": "Swiss franc",
    "SEK": "Swedish krona",
    "NOK": "Norwegian krone",
    "DKK": "Danish krone",
    "PLN": "Polish złoty",
    "CZK": "Czech koruna",
    "ZAR": "South African rand",
    "SGD": "Singapore dollar",
    "HKD": "Hong Kong dollar",
    "INR": "Indian rupee",
    "JPY": "Japanese yen",
    "KRW": "South Korean won",
    "ISK": "Icelandic króna",
}

# Symbols printed before an amount where they are unambiguous; other currencies are printed
# with their ISO code ("CHF 90.00"), since "$" alone could be five of the ones above.
SYMBOLS: dict[str, str] = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}

ZERO = Decimal(0)


def minor_units(currency: str) -> int:
    """Decimal places of `currency` (an ISO 4217 code). Raises ValueError if unknown."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"Unknown currency {currency!r}.") from None


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: Decimal("0.01") for GBP, Decimal("1") for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def to_money(value: Decimal | int | str, currency: str) -> Decimal:
    """`value` rounded half-up to the currency's minor unit.

    value: a Decimal, an int or a decimal string; a float is refused (TypeError), since it
    cannot hold most decimal amounts exactly.
    """
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"Not an amount: {value!r}.") from None
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {value!r}.")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def is_exact(value: Decimal, currency: str) -> bool:
    """Whether `value` needs no rounding in `currency` (12.50 GBP yes, 12.505 GBP no)."""
    return value == value.quantize(quantum(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One invoice line's money: quantity (whole units), unit price and tax rate (percent,
    e.g. Decimal("20") for 20 % VAT)."""

    quantity: int
    unit_price: Decimal
    tax_rate: Decimal = ZERO


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def line_amounts(line: Line, currency: str) -> LineAmounts:
    """Net = quantity × unit price; tax = net × rate / 100, rounded half-up (module rules)."""
    if line.quantity < 1:
        raise ValueError("A line has at least one unit.")
    if line.unit_price < 0 or line.tax_rate < 0:
        raise ValueError("Prices and tax rates are never negative.")
    net = to_money(line.quantity * line.unit_price, currency)
    tax = to_money(net * line.tax_rate / 100, currency)
    return LineAmounts(net=net, tax=tax)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal
    total: Decimal


def invoice_totals(lines: Iterable[Line], currency: str) -> Totals:
    """The invoice's net, tax and total: sums of its lines' (already rounded) amounts."""
    amounts = [line_amounts(line, currency) for line in lines]
    net = sum((a.net for a in amounts), ZERO)
    tax = sum((a.tax for a in amounts), ZERO)
    return Totals(net=to_money(net, currency), tax=to_money(tax, currency), total=net + tax)


def outstanding(total: Decimal, paid: Decimal, refunded: Decimal) -> Decimal:
    """What is still due on one invoice: its total − payments + refunds."""
    return total - paid + refunded


def balance(
    invoice_totals: Iterable[Decimal], payments: Iterable[Decimal], refunds: Iterable[Decimal]
) -> Decimal:
    """A client's balance: their issued invoices' totals − payments + refunds (positive:
    they owe; negative: the practice holds a credit)."""
    return sum(invoice_totals, ZERO) - sum(payments, ZERO) + sum(refunds, ZERO)


def format_money(amount: Decimal, currency: str) -> str:
    """`amount` for people: "£1,234.50", "¥12,000", "CHF 90.00", "-£5.00"."""
    value = to_money(amount, currency)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.{minor_units(currency)}f}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"
