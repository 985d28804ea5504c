"""The practice's own cue, technique and emotion words, and its aftercare templates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.therapy import services
from somatrace.therapy.forms import AftercareTemplateForm, WordForm
from somatrace.therapy.models import AftercareTemplate, Technique, Word
from somatrace.therapy.queries import vocabulary_for
from somatrace.therapy.vocabulary import DEFAULT_AFTERCARE


@clinical_required
def vocabulary_page(request: PracticeRequest) -> HttpResponse:
    actor = request.actor
    practice_id = actor.practice_id
    word_form = WordForm(request.POST if "add_word" in request.POST else None)
    template_form = AftercareTemplateForm(request.POST if "add_template" in request.POST else None)
    if request.method == "POST":
        if "add_word" in request.POST and word_form.is_valid():
            data = word_form.cleaned_data
            try:
                services.add_word(
                    actor,
                    kind=data["kind"],
                    code=data["code"],
                    label=data["label"],
                    dissociation=data.get("dissociation", False),
                )
            except RuleError as refusal:
                word_form.add_error("label", str(refusal))
            else:
                messages.success(request, "Word added to the practice's vocabulary.")
                return redirect("vocabulary")
        if "add_template" in request.POST and template_form.is_valid():
            services.add_aftercare_template(
                actor,
                title=template_form.cleaned_data["title"],
                body=template_form.cleaned_data["body"],
            )
            messages.success(request, "Aftercare template added.")
            return redirect("vocabulary")
    return render(
        request,
        "therapy/vocabulary.html",
        {
            "vocabulary": vocabulary_for(practice_id),
            "own_words": list(Word.objects.filter(practice_id=practice_id)),
            "own_techniques": list(Technique.objects.filter(practice_id=practice_id)),
            "templates": list(AftercareTemplate.objects.for_practice(practice_id)),
            "default_aftercare": DEFAULT_AFTERCARE,
            "word_form": word_form,
            "template_form": template_form,
        },
        status=400 if request.method == "POST" else 200,
    )
