from __future__ import annotations

from typing import Any

from django import forms

from somatrace.measures import instruments
from somatrace.measures.models import Channel, Schedule
from somatrace.measures.scoring import whole_number_problem


class WholeNumberField(forms.IntegerField):
    """An integer typed as the ASCII digits 0-9 only. Django's IntegerField (like int())
    would read '٣', '２', '0_1', '+1' or '1.0' as numbers; here they get a message instead."""

    default_error_messages = {
        "invalid": "Enter a whole number using the digits 0-9 (%(problem)s).",
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        problem = whole_number_problem(text)
        if problem is not None:
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"problem": f"“{value}” {problem}"},
            )
        return int(text)


class AnswerField(forms.TypedChoiceField):
    """One questionnaire item: one of the response options, sent as its value in ASCII digits.
    Anything else ('٣', '２', '+1', '0_1') is refused with a message naming the question."""

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        self.name = name  # "Question 4", or "The extra question" for an unscored one
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def validate(self, value: Any) -> None:
        if value not in self.empty_values:
            problem = whole_number_problem(str(value))
            if problem is not None:
                raise forms.ValidationError(
                    "%(name)s: the answer must be one of the options shown, sent as a whole "
                    "number with the digits 0-9 (“%(value)s” %(problem)s).",
                    code="not_ascii_integer",
                    params={"name": self.name, "value": value, "problem": problem},
                )
        super().validate(value)


def _instrument_choices(enabled: frozenset[str]) -> list[tuple[str, str]]:
    return [(c, instruments.INSTRUMENTS[c].short_title) for c in instruments.ORDER if c in enabled]


class AssignForm(forms.Form):
    instrument = forms.ChoiceField()
    schedule = forms.ChoiceField(choices=Schedule.choices, initial=Schedule.EVERY_N_SESSIONS)
    n = WholeNumberField(
        label="N (sessions or weeks)", min_value=1, max_value=52, required=False, initial=4
    )

    def __init__(self, *args: Any, enabled: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices(enabled)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeating = data.get("schedule") in (Schedule.EVERY_N_SESSIONS, Schedule.EVERY_N_WEEKS)
        if repeating and not data.get("n") and "n" not in self.errors:
            self.add_error("n", "Say how many sessions or weeks apart.")
        if not repeating:
            data["n"] = None
        return data


class GiveForm(forms.Form):
    instrument = forms.ChoiceField()
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.KIOSK)

    def __init__(self, *args: Any, enabled: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices(enabled)  # type: ignore[attr-defined]


class AnswersForm(forms.Form):
    """One radio group per item, named item_1 .. item_N. Clients must answer every item;
    paper entry may leave items blank (the score then says which are missing)."""

    def __init__(
        self, *args: Any, definition: instruments.Instrument, required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        choices = [(str(o.value), o.label) for o in definition.options]
        for item in definition.items:
            self.fields[f"item_{item.number}"] = AnswerField(
                name=f"Question {item.number}",
                label=item.text,
                choices=choices,
                required=required,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Please answer question {item.number}.",
                    "invalid_choice": f"Question {item.number}: choose one of the answers shown.",
                },
            )

        for extra in definition.extra_questions:
            self.fields[f"extra_{extra.key}"] = AnswerField(
                name="The extra question (not scored)",
                label=extra.text,
                choices=[(str(o.value), o.label) for o in extra.options],
                required=False,
                widget=forms.RadioSelect,
                help_text="Not scored.",
            )

    def extras(self) -> dict[str, str]:
        """Answers to the unscored questions, as their labels ({} when skipped)."""
        result = {}
        for extra in self.definition.extra_questions:
            value = self.cleaned_data.get(f"extra_{extra.key}")
            if value is not None:
                result[extra.key] = next(o.label for o in extra.options if o.value == value)
        return result

    def extra_fields(self) -> list[Any]:
        return [self[f"extra_{e.key}"] for e in self.definition.extra_questions]

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{i.number}") for i in self.definition.items]

    def items(self) -> list[dict[str, Any]]:
        """Items with their bound field, for the template."""
        return [
            {"item": item, "field": self[f"item_{item.number}"]} for item in self.definition.items
        ]


class SettingsForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label="Instruments offered",
        choices=[(c, instruments.INSTRUMENTS[c].title) for c in instruments.ORDER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
