"""The FHIR bundle: validated by fhir.resources (R4B models), codes from the table, answers
as stored, and nothing for anyone who may not see the client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.models import RegionFinding
from somatrace.exports import codes, fhir, services
from somatrace.measures import instruments
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.physio.testing import make_recording
from somatrace.testing import make_client, make_session, staff_actor
from somatrace.therapy.testing import make_event

pytestmark = pytest.mark.django_db

# PHQ-9 answers chosen by hand: 1+2+0+3+1+0+2+1+0 = 10.
PHQ9_ANSWERS: list[int | None] = [1, 2, 0, 3, 1, 0, 2, 1, 0]
# GAD-7 with one answer missing (item 4): stored as null, exported with no answer.
GAD7_ANSWERS: list[int | None] = [0, 1, 2, None, 3, 0, 1]


@pytest.fixture
def full_record(client_record: Any, practitioner: Any) -> dict[str, Any]:
    session = make_session(client_record, pre_suds=7, post_suds=3, pre_calm=2, post_tension=4)
    event = make_event(session, "suds", suds=5, seconds=600)
    phq = make_administration(client_record, "PHQ9", answers=PHQ9_ANSWERS, session=session)
    gad = make_administration(client_record, "GAD7", answers=GAD7_ANSWERS, days_ago=1)
    who = make_administration(client_record, "WHO5", answers=[5, 4, 3, 2, 1], days_ago=2)
    recording = make_recording(client_record, session)
    exact = RegionFinding.objects.create(
        client=client_record,
        session=session,
        region="f_face_r",
        finding="held_tension",
        intensity=3,
        created_by=practitioner,
    )
    inexact = RegionFinding.objects.create(
        client=client_record,
        session=session,
        region="b_upper_back_l",
        finding="release_observed",
        intensity=2,
        created_by=practitioner,
    )
    return {
        "session": session,
        "event": event,
        "phq": phq,
        "gad": gad,
        "who": who,
        "recording": recording,
        "exact": exact,
        "inexact": inexact,
    }


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codings(resource: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in resource["code"]["coding"]}


def bundle_for(user: Any, client: Any) -> dict[str, Any]:
    return services.fhir_bundle(staff_actor(user), client.pk)


def test_the_bundle_validates_as_fhir(practitioner, client_record, full_record) -> None:
    bundle = bundle_for(practitioner, client_record)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Patient",
        "Practitioner",
        "Organization",
        "Consent",
        "Encounter",
        "Observation",
        "Questionnaire",
        "QuestionnaireResponse",
    }
    # The JSON that leaves is plain JSON.
    assert json.loads(json.dumps(bundle)) == bundle


def test_the_validator_refuses_a_broken_resource(practitioner, client_record) -> None:
    """The test above would be worthless if fhir.resources accepted anything."""
    bundle = bundle_for(practitioner, client_record)
    broken = json.loads(json.dumps(bundle))
    resources(broken, "Patient")[0]["birthDate"] = "not a date"
    with pytest.raises(ValidationError):
        Bundle.model_validate(broken)


def test_every_reference_points_at_an_entry(practitioner, client_record, full_record) -> None:
    bundle = bundle_for(practitioner, client_record)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    text = json.dumps(bundle)
    refs = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert refs and refs <= urls


def test_answers_match_the_stored_answers_item_by_item(
    practitioner, client_record, full_record
) -> None:
    bundle = bundle_for(practitioner, client_record)
    by_questionnaire = {r["questionnaire"]: r for r in resources(bundle, "QuestionnaireResponse")}
    for administration in (full_record["phq"], full_record["gad"], full_record["who"]):
        response = by_questionnaire[fhir.questionnaire_url(administration.instrument)]
        exported: list[int | None] = []
        for item in response["item"]:
            answers = item.get("answer", [])
            exported.append(int(answers[0]["valueCoding"]["code"]) if answers else None)
        assert exported == list(administration.answers)
        assert [item["linkId"] for item in response["item"]] == [
            str(n) for n in range(1, len(administration.answers) + 1)
        ]
    phq = by_questionnaire[fhir.questionnaire_url("PHQ9")]
    assert phq["item"][3]["answer"][0]["valueCoding"]["display"] == "Nearly every day"


def test_loinc_codes_for_phq9_and_gad7_appear(practitioner, client_record, full_record) -> None:
    bundle = bundle_for(practitioner, client_record)
    panels = set().union(
        *({(c["system"], c["code"]) for c in q["code"]} for q in resources(bundle, "Questionnaire"))
    )
    assert ("http://loinc.org", "44249-1") in panels
    assert ("http://loinc.org", "69737-5") in panels
    # WHO-5 has no verified LOINC code: the local system, never a guessed LOINC.
    assert (codes.INSTRUMENT_SYSTEM, "WHO5") in panels
    totals = {
        (c, o["valueQuantity"]["value"])
        for o in resources(bundle, "Observation")
        for c in codings(o)
        if "derivedFrom" in o
    }
    assert (("http://loinc.org", "44261-6"), 10) in totals  # PHQ-9 total, worked out above
    # GAD-7 with item 4 unanswered has no published missing rule: not scored, so no total
    # observation at all rather than a made-up one.
    assert not full_record["gad"].valid
    assert not any(code == ("http://loinc.org", "70274-6") for code, _ in totals)


def test_a_scored_gad7_carries_its_loinc_total(practitioner, client_record) -> None:
    make_administration(client_record, "GAD7", answers=[1, 1, 1, 1, 1, 1, 2])  # 8 by hand
    bundle = bundle_for(practitioner, client_record)
    totals = {
        (c, o["valueQuantity"]["value"])
        for o in resources(bundle, "Observation")
        for c in codings(o)
    }
    assert (("http://loinc.org", "70274-6"), 8) in totals


def test_session_ratings_and_timeline_suds_become_observations(
    practitioner, client_record, full_record
) -> None:
    bundle = bundle_for(practitioner, client_record)
    ratings = [
        (o["code"]["coding"][0]["code"], o["method"]["coding"][0]["code"], o["valueInteger"])
        for o in resources(bundle, "Observation")
        if (codes.RATING_SYSTEM, o["code"]["coding"][0]["code"]) in codings(o)
    ]
    assert sorted(ratings) == sorted(
        [
            ("suds", "before", 7),
            ("suds", "after", 3),
            ("calm", "before", 2),
            ("tension", "after", 4),
            ("suds", "during", 5),
        ]
    )


def test_heart_rate_uses_loinc_and_hrv_the_local_system(
    practitioner, client_record, full_record
) -> None:
    bundle = bundle_for(practitioner, client_record)
    time = full_record["recording"].results["time"]
    found = {
        next(iter(codings(o))): o["valueQuantity"]
        for o in resources(bundle, "Observation")
        if "valueQuantity" in o and "derivedFrom" not in o
    }
    heart = found[("http://loinc.org", "8867-4")]
    assert heart["value"] == round(time["mean_hr_bpm"], 1)
    assert heart["code"] == "/min"
    assert found[(codes.HRV_SYSTEM, "rmssd")]["value"] == round(time["rmssd_ms"], 1)
    assert found[(codes.HRV_SYSTEM, "sdnn")]["code"] == "ms"


def test_body_sites_carry_snomed_only_where_the_atlas_marks_it_exact(
    practitioner, client_record, full_record
) -> None:
    bundle = bundle_for(practitioner, client_record)
    sites = {
        o["bodySite"]["text"]: o["bodySite"]
        for o in resources(bundle, "Observation")
        if "bodySite" in o
    }
    # f_face_r: "Face structure" 89545001, exact in bodymaps/atlas.py.
    assert sites["Right side of the face"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "89545001", "display": "Face structure"}
    ]
    # The upper back is mapped to its parent "Back structure", not exact: text only.
    assert "coding" not in sites["Left upper back"]


def test_the_export_writes_one_export_audit_row(practitioner, client_record, full_record) -> None:
    before = AuditEvent.objects.count()
    bundle_for(practitioner, client_record)
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert len(rows) == 1
    row = rows[0]
    assert (row.action, row.client_id, row.actor_id) == (
        "export",
        client_record.pk,
        practitioner.pk,
    )
    assert row.shown["measures.administration"] == sorted(
        [full_record["phq"].pk, full_record["gad"].pk, full_record["who"].pk]
    )
    assert row.shown["therapy.session"] == [full_record["session"].pk]


def test_download_is_a_json_attachment(login, practitioner, client_record, full_record) -> None:
    response = login(practitioner).get(f"/clients/{client_record.pk}/export/fhir.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_record.name not in response["Content-Disposition"]
    Bundle.model_validate(json.loads(response.content))


def test_download_takes_a_bounded_number_of_queries(
    login, practitioner, client_record, full_record, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    for _ in range(3):
        make_session(client_record, pre_suds=4)
        make_administration(client_record, "PHQ9", answers=phq9_answers(5))
    with django_assert_max_num_queries(16):
        assert browser.get(f"/clients/{client_record.pk}/export/fhir.json").status_code == 200


@pytest.mark.parametrize("who,status", [("outsider", 404), ("colleague", 404), ("assistant", 403)])
def test_the_wrong_user_gets_nothing(request, login, client_record, full_record, who, status):
    user = request.getfixturevalue(who)
    response = login(user).get(f"/clients/{client_record.pk}/export/fhir.json")
    assert response.status_code == status
    assert client_record.name.encode() not in response.content
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


def test_the_client_page_offers_the_export(login, practitioner, client_record) -> None:
    response = login(practitioner).get(f"/clients/{client_record.pk}/")
    assert f"/clients/{client_record.pk}/export/fhir.json".encode() in response.content


def test_assistants_are_not_offered_the_export(login, assistant, client_record) -> None:
    response = login(assistant).get(f"/clients/{client_record.pk}/")
    assert response.status_code == 200
    assert b"/export/fhir.json" not in response.content


def test_a_client_of_another_practitioner_in_view_of_the_owner(owner, practice, practitioner):
    """The owner sees the whole practice, so the export works for any of its clients."""
    other = make_client(practice, practitioner, consented=True)
    bundle = bundle_for(owner, other)
    assert resources(bundle, "Patient")[0]["name"][0]["text"] == other.name


@pytest.mark.parametrize("code", instruments.ORDER)
def test_every_instrument_exports_as_a_valid_questionnaire(code: str) -> None:
    resource = fhir.questionnaire(code)["resource"]
    Questionnaire.model_validate(resource)
    defn = instruments.INSTRUMENTS[code]
    assert [item["text"] for item in resource["item"]] == [item.text for item in defn.items]
    assert [o["valueCoding"]["code"] for o in resource["item"][0]["answerOption"]] == [
        str(o.value) for o in defn.options
    ]
