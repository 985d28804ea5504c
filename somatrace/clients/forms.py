from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from somatrace.accounts.models import User
from somatrace.clients.documents import MAX_DOCUMENT_LABEL
from somatrace.clients.models import (
    AttachmentKind,
    Client,
    ConsentForm,
    ConsentRecord,
    Intake,
    Status,
    Tag,
)
from somatrace.clients.screening import SCREEN_ITEMS, ItemKind
from somatrace.clients.services import CLINICAL_FIELDS, DETAIL_FIELDS, practitioners_of
from somatrace.core.actor import Actor

YES_NO = [("yes", "Yes"), ("no", "No")]


class ClientForm(forms.ModelForm):
    """A client's details. Only an owner sees the practitioner field: who holds a client
    decides who sees their clinical record."""

    tag_names = forms.CharField(
        label="Tags",
        required=False,
        max_length=400,
        help_text="Separate tags with commas, e.g. “referral: GP, evening”.",
    )

    # Not a model field of the form: assigning goes through services.assign_practitioner.
    practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label="Practitioner")

    class Meta:
        model = Client
        fields = [*DETAIL_FIELDS, *CLINICAL_FIELDS]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not actor.sees_clinical_data:
            del self.fields["suds_window_low"], self.fields["suds_window_high"]
        if actor.is_owner:
            practitioner_field = cast(forms.ModelChoiceField, self.fields["practitioner"])
            practitioner_field.queryset = practitioners_of(actor.practice_id)
            self.initial.setdefault(
                "practitioner",
                self.instance.assigned_practitioner_id if self.instance.pk else actor.user_id,
            )
        else:
            del self.fields["practitioner"]
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if dob and dob.year < 1900:
            raise forms.ValidationError("Please check the year of birth.")
        return dob

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("suds_window_low"), data.get("suds_window_high")
        if low is not None and high is not None and low >= high:
            self.add_error("suds_window_high", "The upper limit must be above the lower one.")
        return data

    def clean_tag_names(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tag_names"].split(",")]
        names = sorted({name for name in names if name})
        if any(len(name) > 40 for name in names):
            raise forms.ValidationError("Each tag can be at most 40 characters long.")
        if len(names) > 20:
            raise forms.ValidationError("A client can have at most 20 tags.")
        return names

    def details(self) -> dict[str, Any]:
        """The cleaned details (not the practitioner, not the tags), for the services."""
        names = [n for n in (*DETAIL_FIELDS, *CLINICAL_FIELDS) if n in self.fields]
        return {name: self.cleaned_data[name] for name in names}

    def changed_details(self) -> dict[str, Any]:
        return {n: v for n, v in self.details().items() if n in self.changed_data}


class ClientFilterForm(forms.Form):
    """Search and filters for the client list. Sent by POST so that no name lands in a URL."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Status.choices], initial=Status.ACTIVE
    )
    practitioner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    tag = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["practitioner"]).choices = [
            ("", "Any practitioner"),
            *((u.pk, u.full_name) for u in practitioners_of(practice_id)),
        ]
        cast(forms.ChoiceField, self.fields["tag"]).choices = [
            ("", "Any tag"),
            *((t.pk, t.name) for t in Tag.objects.filter(practice_id=practice_id)),
        ]


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = [
            "presenting_concerns",
            "goals",
            "health_history",
            "medications",
            "previous_therapy",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        labels = {"previous_therapy": "Previous therapy or bodywork"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answers = self.instance.screen if self.instance.pk else {}
        for item in SCREEN_ITEMS:
            previous = answers.get(item.code)
            self.fields[f"screen_{item.code}"] = forms.ChoiceField(
                label=item.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial=None if previous is None else ("yes" if previous else "no"),
                error_messages={"required": "Please answer yes or no."},
            )

    def screen_fields(self, kind: ItemKind) -> list[forms.BoundField]:
        return [self[f"screen_{item.code}"] for item in SCREEN_ITEMS if item.kind is kind]

    @property
    def absolute_fields(self) -> list[forms.BoundField]:
        return self.screen_fields(ItemKind.ABSOLUTE)

    @property
    def relative_fields(self) -> list[forms.BoundField]:
        return self.screen_fields(ItemKind.RELATIVE)

    @property
    def safety_fields(self) -> list[forms.BoundField]:
        return self.screen_fields(ItemKind.SAFETY)

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def screen(self) -> dict[str, bool]:
        return {
            item.code: self.cleaned_data[f"screen_{item.code}"] == "yes" for item in SCREEN_ITEMS
        }


class ClearanceForm(forms.Form):
    note = forms.CharField(
        label="Clearance note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="Who cleared the client for this work and on what basis "
        "(e.g. “GP letter 12 March: fracture healed”).",
    )


class ConsentSignForm(forms.ModelForm):
    agree = forms.BooleanField(
        label="The client has read this version and agrees to it.",
        error_messages={"required": "Tick the box to confirm the client agrees."},
    )

    class Meta:
        model = ConsentRecord
        fields = ["signed_name", "research_use"]
        labels = {"signed_name": "Client types their full name to sign"}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_signed_name(self) -> str:
        typed = " ".join(self.cleaned_data["signed_name"].split())
        if typed.casefold() not in {
            self.client.name.casefold(),
            self.client.preferred_name.casefold(),
        } - {""}:
            raise forms.ValidationError(
                f"The typed name must match the client's name on record (“{self.client.name}”)."
            )
        return typed


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10_000,
        help_text="How and when the client withdrew consent.",
    )


class ConsentVersionForm(forms.ModelForm):
    class Meta:
        model = ConsentForm
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        labels = {"body": "Consent text"}


class AttachmentForm(forms.Form):
    """A document for a client's record. The file's type and size are checked by the service
    (clients.documents), from its content, whatever its name says."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What it is, e.g. “GP clearance letter, March”.",
    )
    kind = forms.ChoiceField(label="Kind", choices=AttachmentKind.choices)
    file = forms.FileField(
        label="File",
        allow_empty_file=True,  # refused by the service with its own message
        help_text=f"A PDF, or a PNG or JPEG image; up to {MAX_DOCUMENT_LABEL}.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
