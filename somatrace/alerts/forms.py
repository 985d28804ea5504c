from django import forms


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="E.g. “Called the client 14:10, safe, GP appointment tomorrow; "
        "crisis numbers given.”",
        error_messages={"required": "An acknowledgement needs a note of what was done."},
    )
