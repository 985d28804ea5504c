"""Which instruments a practice offers: owners only; WHO-5 off until enabled, licence shown."""

from __future__ import annotations

from somatrace.measures.models import PracticeMeasures


def test_owner_sees_licences_and_who5_is_off(login, owner) -> None:
    response = login(owner).get("/measures/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CC BY-NC-SA 3.0 IGO" in html
    assert 'value="WHO5" >' in html or 'value="WHO5">' in html  # not checked
    assert 'value="PHQ9" checked' in html


def test_owner_enables_who5(login, owner, practice) -> None:
    response = login(owner).post("/measures/settings/", {"enabled": ["PHQ9", "WHO5"]})
    assert response.status_code == 302
    assert PracticeMeasures.enabled_for(practice.pk) == {"PHQ9", "WHO5"}


def test_bad_choice_is_a_400(login, owner) -> None:
    assert login(owner).post("/measures/settings/", {"enabled": ["TAS20"]}).status_code == 400


def test_practitioners_and_assistants_are_refused(login, practitioner, assistant, practice) -> None:
    for user in (practitioner, assistant):
        browser = login(user)
        assert browser.get("/measures/settings/").status_code == 403
        assert browser.post("/measures/settings/", {"enabled": ["WHO5"]}).status_code == 403
    assert not PracticeMeasures.objects.exists()
