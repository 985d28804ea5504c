"""Build a FHIR R4 collection Bundle for one client from plain data. No Django import.

exports.services gathers the records (through visible_to) into the dataclasses below; this
module only turns them into FHIR JSON, with every code from exports.codes. Resource ids are
deterministic (``urn:uuid`` from the record's type and id), so the same record has the same
full URL in every export of this installation.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from somatrace.bodymaps import atlas
from somatrace.exports import codes
from somatrace.measures import instruments

_NAMESPACE = uuid.UUID("5f0b7c52-3f7e-4a55-9d2b-6f1d1c3e2a10")


@dataclass(frozen=True)
class PatientData:
    id: int
    name: str
    preferred_name: str = ""
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    active: bool = True


@dataclass(frozen=True)
class PractitionerData:
    id: int
    name: str
    email: str = ""


@dataclass(frozen=True)
class OrganizationData:
    id: int
    name: str


@dataclass(frozen=True)
class ConsentData:
    id: int
    form_version: int
    form_title: str
    signed_at: datetime
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class Rating:
    kind: str  # a key of codes.RATINGS
    moment: str  # a key of codes.MOMENTS
    value: int
    at: datetime
    source_id: str  # unique within the export, e.g. "session-3-pre_suds", "event-9"


@dataclass(frozen=True)
class SessionData:
    id: int
    practitioner_id: int
    starts_at: datetime
    ends_at: datetime
    status: str  # FHIR Encounter.status: planned | in-progress | finished
    ratings: Sequence[Rating] = ()


@dataclass(frozen=True)
class AdministrationData:
    id: int
    instrument: str  # a code of instruments.INSTRUMENTS
    completed_at: datetime
    answers: Sequence[int | None]
    total: float | None
    session_id: int | None = None


@dataclass(frozen=True)
class RecordingData:
    id: int
    at: datetime
    metrics: dict[str, float | None]  # results["time"]
    session_id: int | None = None


@dataclass(frozen=True)
class FindingData:
    id: int
    region: str  # atlas region code or coarse region code
    finding: str  # bodymaps Finding value
    finding_label: str
    intensity: int | None
    at: datetime
    session_id: int | None = None


@dataclass
class ClientExport:
    patient: PatientData
    organization: OrganizationData
    practitioner: PractitionerData | None
    generated_at: datetime
    consents: Sequence[ConsentData] = ()
    sessions: Sequence[SessionData] = ()
    administrations: Sequence[AdministrationData] = ()
    recordings: Sequence[RecordingData] = ()
    findings: Sequence[FindingData] = ()
    # practitioners of sessions other than the assigned one
    other_practitioners: Sequence[PractitionerData] = field(default_factory=tuple)


def full_url(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{key}')}"


def _ref(kind: str, key: object) -> dict[str, str]:
    return {"reference": full_url(kind, key)}


def _identifier(kind: str, key: object) -> list[dict[str, str]]:
    return [{"system": f"{codes.IDENTIFIER_SYSTEM}/{kind.lower()}", "value": str(key)}]


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _cc(code: codes.Code) -> dict[str, Any]:
    return {"coding": [code.coding()], "text": code.display}


def _entry(kind: str, key: object, resource: dict[str, Any]) -> dict[str, Any]:
    resource = {"resourceType": kind, "id": str(uuid.uuid5(_NAMESPACE, f"{kind}/{key}"))} | (
        resource
    )
    return {"fullUrl": full_url(kind, key), "resource": resource}


def _human_name(name: str) -> dict[str, Any]:
    parts = name.split()
    out: dict[str, Any] = {"text": name}
    if len(parts) > 1:
        out["family"] = parts[-1]
        out["given"] = parts[:-1]
    elif parts:
        out["given"] = parts
    return out


def patient(data: PatientData, organization_id: int) -> dict[str, Any]:
    names = [{"use": "official"} | _human_name(data.name)]
    if data.preferred_name:
        names.append({"use": "usual", "text": data.preferred_name})
    resource: dict[str, Any] = {
        "identifier": _identifier("client", data.id),
        "active": data.active,
        "name": names,
        "managingOrganization": _ref("Organization", organization_id),
    }
    telecom = []
    if data.phone:
        telecom.append({"system": "phone", "value": data.phone})
    if data.email:
        telecom.append({"system": "email", "value": data.email})
    if telecom:
        resource["telecom"] = telecom
    if data.birth_date is not None:
        resource["birthDate"] = data.birth_date.isoformat()
    return _entry("Patient", data.id, resource)


def practitioner(data: PractitionerData) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "identifier": _identifier("practitioner", data.id),
        "name": [_human_name(data.name)],
    }
    if data.email:
        resource["telecom"] = [{"system": "email", "value": data.email}]
    return _entry("Practitioner", data.id, resource)


def organization(data: OrganizationData) -> dict[str, Any]:
    return _entry(
        "Organization",
        data.id,
        {"identifier": _identifier("practice", data.id), "active": True, "name": data.name},
    )


def consent(data: ConsentData, patient_id: int, organization_id: int) -> dict[str, Any]:
    return _entry(
        "Consent",
        data.id,
        {
            "identifier": _identifier("consent", data.id),
            "status": "inactive" if data.withdrawn_at is not None else "active",
            "scope": _cc(codes.TREATMENT_SCOPE),
            "category": [_cc(codes.TREATMENT_CONSENT)],
            "patient": _ref("Patient", patient_id),
            "dateTime": _when(data.signed_at),
            "organization": [_ref("Organization", organization_id)],
            "policyRule": {"text": f"{data.form_title} (version {data.form_version})"},
        },
    )


def encounter(data: SessionData, patient_id: int) -> dict[str, Any]:
    return _entry(
        "Encounter",
        data.id,
        {
            "identifier": _identifier("session", data.id),
            "status": data.status,
            "class": codes.AMBULATORY.coding(),
            "subject": _ref("Patient", patient_id),
            "participant": [{"individual": _ref("Practitioner", data.practitioner_id)}],
            "period": {"start": _when(data.starts_at), "end": _when(data.ends_at)},
        },
    )


def rating_observation(rating: Rating, session_id: int, patient_id: int) -> dict[str, Any]:
    code = codes.RATINGS[rating.kind]
    return _entry(
        "Observation",
        rating.source_id,
        {
            "status": "final",
            "category": [_cc(codes.SURVEY)],
            "code": _cc(code),
            "method": _cc(codes.MOMENTS[rating.moment]),
            "subject": _ref("Patient", patient_id),
            "encounter": _ref("Encounter", session_id),
            "effectiveDateTime": _when(rating.at),
            "valueInteger": rating.value,
        },
    )


def questionnaire_url(code: str) -> str:
    defn = instruments.INSTRUMENTS[code]
    return f"{codes.QUESTIONNAIRE_BASE}/{code}|{defn.version}"


def _answer_coding(option: instruments.Option) -> dict[str, str]:
    return {"system": codes.ANSWER_SYSTEM, "code": str(option.value), "display": option.label}


def questionnaire(code: str) -> dict[str, Any]:
    """The instrument's items and options, as printed (instruments.py)."""
    defn = instruments.INSTRUMENTS[code]
    panel, _ = codes.INSTRUMENT_CODES[code]
    return _entry(
        "Questionnaire",
        f"{code}-{defn.version}",
        {
            "url": f"{codes.QUESTIONNAIRE_BASE}/{code}",
            "version": defn.version,
            "name": code,
            "title": defn.title,
            "status": "active",
            "subjectType": ["Patient"],
            "copyright": defn.licence,
            "code": [panel.coding()],
            "item": [
                {
                    "linkId": str(item.number),
                    "prefix": f"{item.number}.",
                    "text": item.text,
                    "type": "choice",
                    "required": False,
                    "answerOption": [
                        {"valueCoding": _answer_coding(option)} for option in defn.options
                    ],
                }
                for item in defn.items
            ],
        },
    )


def questionnaire_response(data: AdministrationData, patient_id: int) -> dict[str, Any]:
    defn = instruments.INSTRUMENTS[data.instrument]
    options = {o.value: o for o in defn.options}
    items = []
    for item in defn.items:
        answer = data.answers[item.number - 1] if item.number <= len(data.answers) else None
        entry: dict[str, Any] = {"linkId": str(item.number), "text": item.text}
        if answer is not None:
            option = options.get(answer, instruments.Option(answer, str(answer)))
            entry["answer"] = [{"valueCoding": _answer_coding(option)}]
        items.append(entry)
    resource: dict[str, Any] = {
        "identifier": _identifier("administration", data.id)[0],
        "questionnaire": questionnaire_url(data.instrument),
        "status": "completed",
        "subject": _ref("Patient", patient_id),
        "authored": _when(data.completed_at),
        "item": items,
    }
    if data.session_id is not None:
        resource["encounter"] = _ref("Encounter", data.session_id)
    return _entry("QuestionnaireResponse", data.id, resource)


def total_observation(data: AdministrationData, patient_id: int) -> dict[str, Any] | None:
    _, total_code = codes.INSTRUMENT_CODES[data.instrument]
    if total_code is None or data.total is None:
        return None
    resource: dict[str, Any] = {
        "status": "final",
        "category": [_cc(codes.SURVEY)],
        "code": _cc(total_code),
        "subject": _ref("Patient", patient_id),
        "effectiveDateTime": _when(data.completed_at),
        "valueQuantity": {
            "value": data.total,
            "unit": "{score}",
            "system": codes.UCUM,
            "code": "{score}",
        },
        "derivedFrom": [_ref("QuestionnaireResponse", data.id)],
    }
    if data.session_id is not None:
        resource["encounter"] = _ref("Encounter", data.session_id)
    return _entry("Observation", f"administration-{data.id}-total", resource)


def hrv_observations(data: RecordingData, patient_id: int) -> list[dict[str, Any]]:
    out = []
    for key, (code, unit) in codes.HRV.items():
        value = data.metrics.get(key)
        if value is None:
            continue
        category = codes.VITAL_SIGNS if code is codes.HEART_RATE else codes.EXAM
        resource: dict[str, Any] = {
            "status": "final",
            "category": [_cc(category)],
            "code": _cc(code),
            "subject": _ref("Patient", patient_id),
            "effectiveDateTime": _when(data.at),
            "valueQuantity": {
                "value": round(float(value), 1),
                "unit": unit,
                "system": codes.UCUM,
                "code": unit,
            },
        }
        if data.session_id is not None:
            resource["encounter"] = _ref("Encounter", data.session_id)
        out.append(_entry("Observation", f"recording-{data.id}-{key}", resource))
    return out


def body_site(region_code: str) -> dict[str, Any]:
    """SNOMED CT only where the atlas marks the structure exact; the region's name always."""
    region = atlas.REGION_BY_CODE.get(region_code)
    text = atlas.region_label(region_code)
    if region is None or not region.snomed_exact:
        return {"text": text}
    coding = {"system": codes.SNOMED, "code": region.snomed, "display": region.snomed_term}
    return {"coding": [coding], "text": text}


def finding_observation(data: FindingData, patient_id: int) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "status": "final",
        "category": [_cc(codes.EXAM)],
        "code": _cc(codes.BODY_FINDING),
        "subject": _ref("Patient", patient_id),
        "effectiveDateTime": _when(data.at),
        "valueCodeableConcept": {
            "coding": [
                {
                    "system": codes.FINDING_SYSTEM,
                    "code": data.finding,
                    "display": data.finding_label,
                }
            ],
            "text": data.finding_label,
        },
        "bodySite": body_site(data.region),
    }
    if data.intensity is not None:
        resource["component"] = [
            {
                "code": {"text": "Intensity (1-5)"},
                "valueInteger": data.intensity,
            }
        ]
    if data.session_id is not None:
        resource["encounter"] = _ref("Encounter", data.session_id)
    return _entry("Observation", f"finding-{data.id}", resource)


def bundle(data: ClientExport) -> dict[str, Any]:
    """The client's collection Bundle (FHIR R4 JSON)."""
    pid = data.patient.id
    oid = data.organization.id
    entries = [patient(data.patient, oid), organization(data.organization)]
    seen_practitioners: set[int] = set()
    for person in ([data.practitioner] if data.practitioner else []) + list(
        data.other_practitioners
    ):
        if person.id not in seen_practitioners:
            seen_practitioners.add(person.id)
            entries.append(practitioner(person))
    entries += [consent(c, pid, oid) for c in data.consents]
    for session in data.sessions:
        entries.append(encounter(session, pid))
        entries += [rating_observation(r, session.id, pid) for r in session.ratings]
    for code in sorted({a.instrument for a in data.administrations}):
        entries.append(questionnaire(code))
    for administration in data.administrations:
        entries.append(questionnaire_response(administration, pid))
        total = total_observation(administration, pid)
        if total is not None:
            entries.append(total)
    for recording in data.recordings:
        entries += hrv_observations(recording, pid)
    entries += [finding_observation(f, pid) for f in data.findings]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(_NAMESPACE, f"Bundle/{pid}/{data.generated_at.isoformat()}")),
        "type": "collection",
        "timestamp": _when(data.generated_at),
        "entry": entries,
    }
