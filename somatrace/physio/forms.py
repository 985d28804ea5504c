"""Upload and alignment forms for heart recordings."""

from __future__ import annotations

from typing import Any

from django import forms

from somatrace.physio import formats, hrv

METHOD_CHOICES = [(name, hrv.METHOD_LABELS[name]) for name in hrv.METHODS]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Recording file",
        help_text="RR intervals (Polar Sensor Logger, Elite HRV, Kubios, HRV Logger, one per "
        "line) or ECG (CSV, Polar ECG, OpenSignals, EDF). Up to 50 MB.",
    )
    format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "Detect automatically")]
        + [(name, formats.FORMAT_LABELS[name]) for name in formats.FORMATS],
    )
    sampling_rate_hz = forms.FloatField(
        label="Sampling rate (Hz)",
        required=False,
        min_value=formats.MIN_SAMPLING_RATE_HZ,
        max_value=formats.MAX_SAMPLING_RATE_HZ,
        help_text="Only for an ECG CSV file without a time column.",
    )
    method = forms.ChoiceField(
        label="Spectral method (LF, HF)",
        required=False,
        choices=METHOD_CHOICES,
        initial=hrv.DEFAULT_METHOD,
        help_text="Kubios convention: to compare with numbers from Kubios HRV.",
    )
    started_at = forms.DateTimeField(
        label="Recording start",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Only if the file has no timestamps (practice time).",
    )

    def __init__(self, *args: Any, sessions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"] = forms.ModelChoiceField(
                queryset=sessions,
                required=False,
                label="Session",
                empty_label="Not attached to a session",
            )
            self.fields["session"].label_from_instance = (  # type: ignore[attr-defined]
                lambda s: f"{s.starts_at:%d %b %Y %H:%M}"
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > formats.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class OffsetForm(forms.Form):
    offset_seconds = forms.FloatField(
        label="Shift the recording by (seconds)",
        min_value=-6 * 3600,
        max_value=6 * 3600,
        help_text="Positive moves the recording later on the session clock.",
    )


class MethodForm(forms.Form):
    method = forms.ChoiceField(label="Spectral method (LF, HF)", choices=METHOD_CHOICES)
