"""The practice's own words beside the stable built-ins, and aftercare templates."""

from __future__ import annotations

import pytest

from somatrace.therapy.models import AftercareTemplate, Technique, Word
from somatrace.therapy.vocabulary import BUILTIN_CUES, BUILTIN_EMOTIONS

pytestmark = pytest.mark.django_db


def test_the_built_in_words_are_installed_with_stable_codes() -> None:
    assert Word.objects.filter(practice=None, kind="cue").count() == len(BUILTIN_CUES) == 14
    assert Word.objects.filter(practice=None, kind="emotion").count() == len(BUILTIN_EMOTIONS)
    assert 28 <= len(BUILTIN_EMOTIONS) <= 34  # "around 30"
    dissociation = set(
        Word.objects.filter(practice=None, dissociation=True).values_list("code", flat=True)
    )
    assert dissociation == {"glazed-eyes", "freezing", "disconnection"}
    assert set(Technique.objects.filter(practice=None).values_list("code", flat=True)) >= {
        "stillpoint-induction",
        "unwinding",
        "arcing",
        "dialogue-imagery",
        "direction-of-energy",
        "positional-release",
    }


def test_a_practitioner_adds_a_cue_an_emotion_and_a_technique(
    login, practitioner, practice, other_practice
) -> None:
    browser = login(practitioner)
    for kind, label, extra in (
        ("cue", "Far away look", {"dissociation": "on"}),
        ("emotion", "Awe", {}),
        ("technique", "Fascial glide", {}),
    ):
        response = browser.post(
            "/sessions/vocabulary/", {"add_word": "1", "kind": kind, "label": label, **extra}
        )
        assert response.status_code == 302, response.content
    cue = Word.objects.get(practice=practice, kind="cue")
    assert (cue.code, cue.label, cue.dissociation) == ("far-away-look", "Far away look", True)
    assert Word.objects.get(practice=practice, kind="emotion").code == "awe"
    assert Technique.objects.get(practice=practice).code == "fascial-glide"
    page = browser.get("/sessions/vocabulary/").content.decode()
    assert "Far away look" in page and "sign of dissociation" in page


def test_a_word_that_exists_is_refused(login, practitioner) -> None:
    response = login(practitioner).post(
        "/sessions/vocabulary/", {"add_word": "1", "kind": "cue", "label": "Heat"}
    )
    assert response.status_code == 400
    assert "already in the vocabulary" in response.content.decode()
    response = login(practitioner).post(
        "/sessions/vocabulary/", {"add_word": "1", "kind": "cue", "label": "!!!"}
    )
    assert "Use at least one letter or digit." in response.content.decode()


def test_an_owner_adds_an_aftercare_template(login, owner, practice) -> None:
    browser = login(owner)
    response = browser.post(
        "/sessions/vocabulary/",
        {"add_template": "1", "title": "Sleep", "body": "Go to bed early tonight."},
    )
    assert response.status_code == 302
    assert AftercareTemplate.objects.get(practice=practice).title == "Sleep"
    response = browser.post("/sessions/vocabulary/", {"add_template": "1", "title": "", "body": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_other_practices_do_not_see_or_change_the_words(
    login, practitioner, outsider, assistant, practice
) -> None:
    Word.objects.create(practice=practice, kind="cue", code="secret-cue", label="Secret cue")
    assert b"Secret cue" not in login(outsider).get("/sessions/vocabulary/").content
    assert login(assistant).get("/sessions/vocabulary/").status_code == 403
    assert (
        login(assistant)
        .post("/sessions/vocabulary/", {"add_word": "1", "kind": "cue", "label": "X"})
        .status_code
        == 403
    )
    assert not Word.objects.filter(label="X").exists()
