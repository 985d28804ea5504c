"""Forms of billing: the practice's settings, a new invoice (appointments or a package),
taking sessions from a package, a payment or refund, voiding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from somatrace.billing.codes import normalise_cpt, parse_diagnosis_codes
from somatrace.billing.models import BillingSettings, PaymentMethod
from somatrace.billing.services import SETTINGS_FIELDS, PackageState
from somatrace.scheduling.models import Appointment, AppointmentType

MAX_PRICE = Decimal("99999999.99")


class SettingsForm(forms.ModelForm[BillingSettings]):
    class Meta:
        model = BillingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_instructions": forms.Textarea(attrs={"rows": 3}),
            "provider_details": forms.Textarea(attrs={"rows": 2}),
        }


class CodesMixin(forms.Form):
    procedure_code = forms.CharField(
        label="Procedure code (CPT), for a superbill",
        required=False,
        max_length=10,
        help_text="Optional, e.g. 97140 manual therapy. Printed on every line.",
    )
    diagnosis_codes = forms.CharField(
        label="Diagnosis codes (ICD-10-CM), for a superbill",
        required=False,
        max_length=120,
        help_text="Optional, separated by commas, e.g. M54.50, F43.10.",
    )

    def clean_procedure_code(self) -> str:
        text = self.cleaned_data["procedure_code"]
        try:
            return normalise_cpt(text) if text.strip() else ""
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean_diagnosis_codes(self) -> list[str]:
        try:
            return parse_diagnosis_codes(self.cleaned_data["diagnosis_codes"])
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None


class AppointmentChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return getattr(obj, "billing_label", str(obj))


class AppointmentsInvoiceForm(CodesMixin):
    field_order = [
        "appointments",
        "unit_price",
        "sliding_scale_reason",
        "procedure_code",
        "diagnosis_codes",
    ]
    appointments = AppointmentChoice(
        label="Appointments to bill",
        queryset=Appointment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one appointment to bill."},
    )
    unit_price = forms.DecimalField(
        label="Price per appointment",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        decimal_places=2,
        help_text="Leave empty for each appointment type's list price.",
    )
    sliding_scale_reason = forms.CharField(
        label="Sliding-scale reason",
        required=False,
        max_length=200,
        help_text="Needed when the price is below the list price, e.g. “student rate”.",
    )

    def __init__(self, *args: Any, appointments: list[Appointment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["appointments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Appointment.objects.filter(pk__in=[a.pk for a in appointments])
        labels = {a.pk: getattr(a, "billing_label", str(a)) for a in appointments}
        field.choices = [(pk, label) for pk, label in labels.items()]


class PackageInvoiceForm(CodesMixin):
    field_order = ["appointment_type", "sessions", "price", "procedure_code", "diagnosis_codes"]
    appointment_type = forms.ModelChoiceField(
        label="Appointment type", queryset=AppointmentType.objects.none()
    )
    sessions = forms.IntegerField(label="Sessions", min_value=2, max_value=50, initial=5)
    price = forms.DecimalField(
        label="Package price",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        decimal_places=2,
        help_text="Leave empty for sessions × the type's price.",
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["appointment_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AppointmentType.objects.filter(practice_id=practice_id, is_active=True)


class UsePackageForm(forms.Form):
    package = forms.TypedChoiceField(label="Package", coerce=int)
    appointments = forms.TypedMultipleChoiceField(
        label="Appointments to take from it",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one appointment."},
    )

    def __init__(
        self,
        *args: Any,
        packages: list[PackageState],
        appointments: list[Appointment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        package = self.fields["package"]
        assert isinstance(package, forms.ChoiceField)
        package.choices = [
            (
                s.package.pk,
                f"{s.package.sessions} × {s.package.appointment_type.name}: {s.left} left",
            )
            for s in packages
        ]
        chosen = self.fields["appointments"]
        assert isinstance(chosen, forms.ChoiceField)
        chosen.choices = [(a.pk, getattr(a, "billing_label", str(a))) for a in appointments]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount", min_value=Decimal("0.01"), max_value=MAX_PRICE, decimal_places=2
    )
    method = forms.ChoiceField(label="Method", choices=PaymentMethod.choices)
    received_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=80,
        help_text="Optional: the card slip or the transfer's reference.",
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Why is it void?",
        max_length=200,
        help_text="E.g. issued to the wrong client. The number stays, marked void.",
    )
