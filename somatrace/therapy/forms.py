from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from somatrace.bodyregions import COARSE_REGIONS
from somatrace.clients.models import Client
from somatrace.clients.services import practitioners_of
from somatrace.therapy.models import (
    NOTE_FIELDS,
    RATING_FIELDS,
    AftercareTemplate,
    Note,
    NoteAmendment,
    Session,
    Technique,
    TimelineEvent,
    WordKind,
)
from somatrace.therapy.queries import Vocabulary
from somatrace.therapy.services import POSTED_KINDS, WORD_KINDS
from somatrace.therapy.vocabulary import KINDS, OTHER

RATING_CHOICES = [("", "Not asked")] + [(str(n), str(n)) for n in range(11)]


class RatingWidget(forms.RadioSelect):
    """0-10 as a row of large tap targets; arrow keys move along it like any radio group."""

    template_name = "widgets/rating.html"


class SessionForm(forms.ModelForm):
    """A session recorded or edited on its page (the note is NoteForm, beside it)."""

    class Meta:
        model = Session
        fields = ["starts_at", "duration_minutes", "practitioner", *RATING_FIELDS, "techniques"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "techniques": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "starts_at": "In the practice's time zone.",
            "pre_suds": "0 = no distress, 10 = the worst imaginable.",
            "pre_calm": "0 = not calm at all, 10 = completely calm.",
            "pre_tension": "0 = fully relaxed, 10 = extremely tense.",
        }

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        practitioner_field = cast(forms.ModelChoiceField, self.fields["practitioner"])
        practitioner_field.queryset = practitioners_of(client.practice_id)
        techniques = cast(forms.ModelMultipleChoiceField, self.fields["techniques"])
        techniques.queryset = Technique.available_to(client.practice_id)
        for name in RATING_FIELDS:
            field = self.fields[name]
            field.widget = RatingWidget(choices=RATING_CHOICES)
            for error in ("invalid", "min_value", "max_value"):
                field.error_messages[error] = "Ratings are whole numbers from 0 to 10."
        if not self.instance.pk:
            self.initial.setdefault(
                "starts_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("practitioner", client.assigned_practitioner_id)

    def clean_starts_at(self) -> Any:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at.year < 2000 or starts_at > timezone.now() + timedelta(days=366):
            raise forms.ValidationError("Please check the date: it is outside the expected range.")
        return starts_at

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "techniques"}

    def changed_details(self) -> dict[str, Any]:
        return {n: v for n, v in self.details().items() if n in self.changed_data}


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = list(NOTE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in NOTE_FIELDS}

    def text(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in NOTE_FIELDS}


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = NoteAmendment
        fields = ["reason", *NOTE_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in NOTE_FIELDS}
        help_texts = {"reason": "Why the signed note is being amended (kept with the amendment)."}


REGION_CHOICES = [("", "No region"), *COARSE_REGIONS]
MAX_CLOCK_SKEW = timedelta(minutes=10)


def _rating(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10,
        widget=RatingWidget(choices=RATING_CHOICES),
        error_messages={
            "invalid": "Ratings are whole numbers from 0 to 10.",
            "min_value": "Ratings are whole numbers from 0 to 10.",
            "max_value": "Ratings are whole numbers from 0 to 10.",
        },
    )


class PrecheckForm(forms.Form):
    pre_suds = _rating("SUDS now (distress)")
    pre_calm = _rating("Calm now")
    pre_tension = _rating("Body tension now")
    client_words = forms.CharField(
        label="The client's own words",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What brings them today, as they say it.",
    )
    felt_region = forms.ChoiceField(
        label="Where do you feel it?", required=False, choices=REGION_CHOICES
    )


class EndForm(forms.Form):
    post_suds = _rating("SUDS now (closing check)")
    post_calm = _rating("Calm now")
    post_tension = _rating("Body tension now")
    end_reason = forms.CharField(
        label="Reason, if ending above the window",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only needed when the last SUDS is above the client's window of tolerance.",
    )


class EventForm(forms.Form):
    """One event as the console posts it (JSON). Guard prompts are never posted."""

    uuid = forms.UUIDField()
    kind = forms.ChoiceField(choices=[(k, k) for k in POSTED_KINDS])
    code = forms.CharField(required=False, max_length=40)
    text = forms.CharField(required=False, max_length=2000)
    region = forms.ChoiceField(required=False, choices=REGION_CHOICES)
    intensity = forms.IntegerField(required=False, min_value=1, max_value=5)
    suds = forms.IntegerField(required=False, min_value=0, max_value=10)
    at = forms.DateTimeField()
    responds_to = forms.UUIDField(required=False)
    # Why work went ahead on a region the client marked "not welcome" for touch.
    override_reason = forms.CharField(required=False, max_length=2000, strip=True)

    def clean_at(self) -> Any:
        at = self.cleaned_data["at"]
        raw = parse_datetime(str(self.data.get("at", "")))
        if raw is None or timezone.is_naive(raw):
            raise forms.ValidationError("The time needs a time zone (ISO 8601 with offset).")
        if at > timezone.now() + MAX_CLOCK_SKEW:
            raise forms.ValidationError("The event's time is in the future: check the clock.")
        if at.year < 2000:
            raise forms.ValidationError("The event's time is outside the expected range.")
        return at.replace(microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "suds" and data.get("suds") is None:
            self.add_error("suds", "A SUDS check-in needs a value from 0 to 10.")
        if kind == "note" and not (data.get("text") or "").strip():
            self.add_error("text", "A note needs some text.")
        if kind != "emotion":
            data["intensity"] = None
        if kind != "suds":
            data["suds"] = None
        return data


OVERRIDE_HELP = (
    "Only for a technique on a region the client marked “not welcome” for touch: why the "
    "work went ahead. It is recorded with the work and in the audit log."
)


def override_field() -> forms.CharField:
    return forms.CharField(
        label="Override reason (touch not welcome)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OVERRIDE_HELP,
    )


def word_choices(vocabulary: Vocabulary, kind: str) -> list[tuple[str, Any]]:
    """Choices for the word of an event of this kind, from console.vocabulary_for()."""
    if kind == "cue":
        words = [(code, label) for code, label, _, _ in vocabulary.cues]
    elif kind == "technique":
        words = list(vocabulary.techniques)
    elif kind == "grounding":
        words = list(vocabulary.grounding)
    else:
        return [(family, words) for family, words in vocabulary.emotions] + [
            (OTHER, "Other (type it in the text)")
        ]
    return [*words, (OTHER, "Other (type it in the text)")]


def local_time_on(day_of: Any, at_time: Any) -> Any:
    local = timezone.localtime(day_of)
    return local.replace(
        hour=at_time.hour, minute=at_time.minute, second=at_time.second, microsecond=0
    )


class EventEditForm(forms.ModelForm):
    class Meta:
        model = TimelineEvent
        fields = ["code", "text", "region", "intensity", "suds"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": "Text (free text, the client's words)", "code": "Word"}

    at_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 1}, format="%H:%M:%S")
    )
    override_reason = override_field()

    def __init__(self, *args: Any, vocabulary: Vocabulary, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ChoiceField(
            label="Region", required=False, choices=REGION_CHOICES
        )
        self.initial.setdefault("at_time", timezone.localtime(self.instance.at).time())
        kind = self.instance.kind
        if kind != "technique":
            del self.fields["override_reason"]
        if kind in WORD_KINDS:
            self.fields["code"] = forms.ChoiceField(
                label="Word", choices=word_choices(vocabulary, kind)
            )
        else:
            del self.fields["code"]
        if kind != "emotion":
            del self.fields["intensity"]
        if kind != "suds":
            del self.fields["suds"]
        else:
            self.fields["suds"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") == OTHER and not (data.get("text") or "").strip():
            self.add_error("text", "Type the word for 'other'.")
        return data

    def changes(self, original_at: Any) -> dict[str, Any]:
        """What the practitioner changed, for services.edit_event (the time on the same day)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data = {
            name: "" if value is None and name in ("code", "text", "region") else value
            for name, value in data.items()
        }
        data["at"] = local_time_on(original_at, self.cleaned_data["at_time"])
        return data


class EventAddForm(forms.Form):
    """An event the practitioner forgot to tap, added afterwards on the session page."""

    kind = forms.ChoiceField(
        label="Kind", choices=[(k, label) for k, label in KINDS if k in POSTED_KINDS]
    )
    code = forms.ChoiceField(label="Word", required=False)
    text = forms.CharField(
        label="Text (free text, the client's words)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    region = forms.ChoiceField(label="Region", required=False, choices=REGION_CHOICES)
    intensity = forms.IntegerField(
        label="Intensity (emotions, 1–5)", required=False, min_value=1, max_value=5
    )
    suds = forms.IntegerField(
        label="SUDS (check-ins, 0–10)", required=False, min_value=0, max_value=10
    )
    at_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 1}, format="%H:%M:%S")
    )
    override_reason = override_field()

    def __init__(self, *args: Any, vocabulary: Vocabulary, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: list[tuple[str, Any]] = [("", "None (SUDS or note)")]
        for kind in WORD_KINDS:
            flat: list[tuple[str, str]] = []
            for value, label in word_choices(vocabulary, kind):
                if value == OTHER:
                    continue
                if isinstance(label, list):
                    flat.extend((f"{kind}:{code}", text) for code, text in label)
                else:
                    flat.append((f"{kind}:{value}", label))
            flat.append((f"{kind}:{OTHER}", f"Other {kind} (type it in the text)"))
            groups.append((dict(KINDS)[kind], flat))
        cast(forms.ChoiceField, self.fields["code"]).choices = groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, code = data.get("kind"), data.get("code") or ""
        word_kind, _, word = code.partition(":")
        if kind in WORD_KINDS:
            if word_kind != kind:
                self.add_error("code", "Choose a word of the same kind as the event.")
            elif word == OTHER and not (data.get("text") or "").strip():
                self.add_error("text", "Type the word for 'other'.")
        elif code:
            self.add_error("code", "SUDS check-ins and notes have no word: leave it empty.")
        if kind == "suds" and data.get("suds") is None:
            self.add_error("suds", "A SUDS check-in needs a value from 0 to 10.")
        if kind == "note" and not (data.get("text") or "").strip():
            self.add_error("text", "A note needs some text.")
        data["word"] = word if kind in WORD_KINDS else ""
        return data


class WordForm(forms.Form):
    """A practice's own cue, technique or emotion word (built-ins cannot be changed)."""

    kind = forms.ChoiceField(
        label="Kind of word",
        choices=[*WordKind.choices, ("technique", "Technique")],
    )
    label = forms.CharField(label="Word", max_length=80)
    dissociation = forms.BooleanField(
        label="A sign of dissociation (cues only: the pacing guard prompts when it is logged)",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label = (data.get("label") or "").strip()
        code = slugify(label)[:40]
        if label and not code:
            self.add_error("label", "Use at least one letter or digit.")
        data["label"] = label
        data["code"] = code
        return data


class AftercareTemplateForm(forms.ModelForm):
    class Meta:
        model = AftercareTemplate
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class AftercareForm(forms.Form):
    aftercare = forms.CharField(
        label="Aftercare for the client",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Choose a template to start from, then adjust it for this client.",
    )
