"""Invoices, packages, payments and the practice's billing details.

Money is stored as exact decimals in the practice's currency (money.py holds the
arithmetic). An invoice is issued when it is made: it gets the practice's next number and a
copy of the practice's and the client's details, and its lines never change after. It is
never deleted, only voided, keeping its number, so that the numbers have no gaps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.billing.money import CURRENCY_NAMES, MINOR_UNITS
from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet

CURRENCY_CHOICES = [(code, f"{code} — {CURRENCY_NAMES[code]}") for code in MINOR_UNITS]
MAX_AMOUNT = Decimal("99999999.99")  # max_digits=10, decimal_places=2
MAX_PERCENT = Decimal(100)


def money_field(verbose_name: str = "", **kwargs: object) -> models.DecimalField:
    # Two decimal places hold every currency of money.MINOR_UNITS (0 or 2).
    return models.DecimalField(verbose_name or None, max_digits=10, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class BillingSettings(models.Model):
    """The practice's details as they appear on invoices, its currency and tax, and the
    counters that number invoices and receipts without gaps. One per practice; invoicing
    waits until the owner has saved them."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="billing_settings"
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="GBP")
    legal_name = models.CharField(
        "name on invoices", max_length=150, help_text="The practice's or practitioner's name."
    )
    address = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    email = models.EmailField("email for billing questions", blank=True)
    tax_id = models.CharField(
        "tax registration number",
        max_length=40,
        blank=True,
        help_text="E.g. your VAT number, or EIN; printed on every invoice when set.",
    )
    tax_label = models.CharField(max_length=20, default="VAT", help_text="E.g. VAT, GST.")
    tax_rate = models.DecimalField(
        "tax rate (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PERCENT)],
        help_text="0 if you do not charge tax (many therapy services are exempt).",
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        "payment due after (days)", default=14, validators=[MaxValueValidator(365)]
    )
    invoice_prefix = models.CharField(
        max_length=12,
        default="INV-",
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9/_-]*$", "Letters, digits, - / _ only.")],
        help_text="Put before each invoice's number: INV-0001.",
    )
    payment_instructions = models.TextField(
        "how to pay",
        blank=True,
        validators=[MaxLengthValidator(500)],
        help_text="Printed on invoices: bank details for a transfer, card at the desk.",
    )
    provider_details = models.TextField(
        "provider details for superbills",
        blank=True,
        validators=[MaxLengthValidator(500)],
        help_text="Licence or registration numbers, NPI: what insurers ask for.",
    )
    # The next numbers to give; taken under a row lock in the transaction that issues.
    next_invoice_number = models.PositiveIntegerField(default=1)
    next_receipt_number = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        practice_id: int

    class Meta:
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return f"Billing settings {self.practice_id}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    VOID = "void", "Void"


class Package(models.Model):
    """Several sessions of one appointment type sold together (e.g. 5 sessions), invoiced
    once; appointments are then taken from it (PackageUse) instead of billed."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="packages")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(50)]
    )
    price = money_field(validators=[MinValueValidator(Decimal(0))])
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        appointment_type_id: int

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Package {self.pk}"


class Invoice(models.Model):
    """One issued invoice: numbered, with its seller's and client's details as they were."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    sequence = models.PositiveIntegerField()  # 1, 2, 3... per practice, no gaps
    number = models.CharField(max_length=24)  # as printed: prefix + sequence
    status = models.CharField(
        max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    package = models.OneToOneField(
        Package, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice"
    )
    issued_on = models.DateField()
    due_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the invoice says, copied when issued: later changes to the practice's or the
    # client's details do not rewrite an invoice already sent.
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    seller_name = models.CharField(max_length=150)
    seller_address = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    seller_email = models.EmailField(blank=True)
    seller_tax_id = models.CharField(max_length=40, blank=True)
    tax_label = models.CharField(max_length=20, blank=True)
    payment_instructions = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    provider_details = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    bill_to_name = models.CharField(max_length=150)
    bill_to_address = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    # ICD-10-CM codes the practitioner entered, for the superbill (codes.py checks shape).
    diagnosis_codes = models.JSONField(default=list, blank=True)
    # The sums of the lines (money.invoice_totals), kept so that lists need no line query.
    net_total = money_field()
    tax_total = money_field()
    total = money_field()
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        package_id: int | None

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "sequence"], name="unique_invoice_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(total=models.F("net_total") + models.F("tax_total")),
                name="invoice_total_is_net_plus_tax",
            ),
        ]
        indexes = [models.Index(fields=["client", "issued_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID


class InvoiceLineQuerySet(ClientRecordQuerySet["InvoiceLine"]):
    client_path = "invoice__client__"


class InvoiceLine(models.Model):
    """One line of an invoice: what, how many, at what price and tax, and its codes."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    service_date = models.DateField(null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    unit_price = money_field(validators=[MinValueValidator(Decimal(0))])
    # The price before a sliding-scale reduction, and why it was lowered (empty: not lowered).
    list_price = money_field(validators=[MinValueValidator(Decimal(0))])
    sliding_scale_reason = models.CharField(max_length=200, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    net = money_field()
    tax = money_field()
    procedure_code = models.CharField("procedure code (CPT)", max_length=5, blank=True)
    # The appointment this line bills: an appointment is on at most one invoice that is not
    # void (services check it under a row lock).
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    provider_name = models.CharField(max_length=150, blank=True)

    objects = InvoiceLineQuerySet.as_manager()

    if TYPE_CHECKING:
        invoice_id: int
        appointment_id: int | None

    class Meta:
        ordering = ["invoice_id", "position"]

    def __str__(self) -> str:
        return f"Invoice line {self.pk}"

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    @property
    def lowered(self) -> bool:
        return self.unit_price < self.list_price


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    TRANSFER = "transfer", "Bank transfer"
    OTHER = "other", "Other"


class Payment(models.Model):
    """Money received for an invoice, or given back (a refund). Never changed or deleted:
    a mistake is put right with a refund."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    amount = money_field()
    received_on = models.DateField()
    reference = models.CharField(
        max_length=80, blank=True, help_text="E.g. the card slip or the transfer reference."
    )
    receipt_sequence = models.PositiveIntegerField()  # per practice, no gaps
    receipt_number = models.CharField(max_length=24)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        invoice_id: int

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["practice", "receipt_sequence"], name="unique_receipt_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_refund(self) -> bool:
        return self.kind == PaymentKind.REFUND


class PackageUse(models.Model):
    """One appointment taken from a package instead of billed on its own."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="uses")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="package_use"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        package_id: int
        appointment_id: int

    def __str__(self) -> str:
        return f"Package use {self.pk}"
