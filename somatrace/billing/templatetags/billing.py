"""{{ amount|money:currency }}: an amount as people read it ("£1,234.50")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from somatrace.billing.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None or not currency:
        return ""
    return format_money(Decimal(amount), currency)
