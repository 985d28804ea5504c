"""Every code the FHIR export writes, with where it comes from. Plain Python, no Django import.

A code is used only from this table, and each entry names its source: the LOINC or SNOMED CT
page it was checked against, or, for our own local code systems, this module and
docs/exports.md. Where no standard code could be verified (WHO-5, RMSSD, SDNN, SUDS, calm,
body tension, body-map findings), the export uses a documented local code system rather than
a code remembered from somewhere.

SNOMED CT body sites come from bodymaps.atlas, and only for regions the atlas marks as an
exact structure (``snomed_exact``); other regions are exported as text only.
"""

from __future__ import annotations

from dataclasses import dataclass

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"

# Our local code systems (documented in docs/exports.md).
LOCAL_BASE = "https://somatrace.org/fhir"
INSTRUMENT_SYSTEM = f"{LOCAL_BASE}/CodeSystem/instrument"
ANSWER_SYSTEM = f"{LOCAL_BASE}/CodeSystem/answer"  # an option's scored value, as printed
RATING_SYSTEM = f"{LOCAL_BASE}/CodeSystem/rating"
RATING_MOMENT_SYSTEM = f"{LOCAL_BASE}/CodeSystem/rating-moment"
HRV_SYSTEM = f"{LOCAL_BASE}/CodeSystem/hrv"
FINDING_SYSTEM = f"{LOCAL_BASE}/CodeSystem/body-finding"
CONSENT_CATEGORY_SYSTEM = f"{LOCAL_BASE}/CodeSystem/consent-category"
QUESTIONNAIRE_BASE = f"{LOCAL_BASE}/Questionnaire"
IDENTIFIER_SYSTEM = f"{LOCAL_BASE}/identifier"  # + "/client", "/session", ...

LOCAL_SOURCE = "Local code system, defined in somatrace/exports/codes.py and docs/exports.md."


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str
    source: str  # the page or publication the code was checked against

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


def _loinc(code: str, display: str, source: str = "") -> Code:
    return Code(LOINC, code, display, source or f"https://loinc.org/{code}/")


# --- Questionnaires: (panel, total score) per instrument ------------------------------------

# PHQ-9 and GAD-7: the codes the issue names, LOINC's own pages.
# PCL-5: LOINC 101697-1 (panel) and 101698-9 (score), added in LOINC 2.75; checked against
# a mirror of the LOINC table (findacode.com, healthassure.in), not loinc.org itself.
# WHO-5, PSS-10, MAIA-2, SUDS: no LOINC code could be verified, so the local system.
INSTRUMENT_CODES: dict[str, tuple[Code, Code | None]] = {
    "PHQ9": (
        _loinc("44249-1", "PHQ-9 quick depression assessment panel"),
        _loinc("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    ),
    "GAD7": (
        _loinc("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
        _loinc("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
    ),
    "PCL5": (
        _loinc(
            "101697-1",
            "Post traumatic stress disorder checklist - civilian version DSM-5 [PCL-5]",
            "https://findacode.com/loinc/101697-1--post-traumatic-stress-disorder-checklist-"
            "civilian-version-dsm-5-pcl-5.html",
        ),
        _loinc(
            "101698-9",
            "PTSD PCL-5 score [PCL-5]",
            "https://www.healthassure.in/codes/loinc-101698-9-ptsd-pcl-5-score-pcl-5",
        ),
    ),
    "WHO5": (
        Code(INSTRUMENT_SYSTEM, "WHO5", "WHO-5 Well-Being Index", LOCAL_SOURCE),
        Code(INSTRUMENT_SYSTEM, "WHO5-total", "WHO-5 raw score (0-25)", LOCAL_SOURCE),
    ),
    "PSS10": (
        Code(INSTRUMENT_SYSTEM, "PSS10", "Perceived Stress Scale, 10 items", LOCAL_SOURCE),
        Code(INSTRUMENT_SYSTEM, "PSS10-total", "PSS-10 total score", LOCAL_SOURCE),
    ),
    "MAIA2": (
        Code(INSTRUMENT_SYSTEM, "MAIA2", "MAIA-2 interoceptive awareness", LOCAL_SOURCE),
        None,  # no total: subscale means only
    ),
    "SUDS": (
        Code(INSTRUMENT_SYSTEM, "SUDS", "Subjective Units of Distress (SUDS)", LOCAL_SOURCE),
        Code(INSTRUMENT_SYSTEM, "SUDS-total", "SUDS rating (0-10)", LOCAL_SOURCE),
    ),
}

# --- Session ratings (0-10 self-ratings) ----------------------------------------------------

RATINGS: dict[str, Code] = {
    "suds": Code(RATING_SYSTEM, "suds", "Subjective units of distress, 0-10", LOCAL_SOURCE),
    "calm": Code(RATING_SYSTEM, "calm", "Self-rated calm, 0-10", LOCAL_SOURCE),
    "tension": Code(RATING_SYSTEM, "tension", "Self-rated body tension, 0-10", LOCAL_SOURCE),
}
MOMENTS: dict[str, Code] = {
    "before": Code(RATING_MOMENT_SYSTEM, "before", "Before the session", LOCAL_SOURCE),
    "during": Code(RATING_MOMENT_SYSTEM, "during", "During the session", LOCAL_SOURCE),
    "after": Code(RATING_MOMENT_SYSTEM, "after", "After the session", LOCAL_SOURCE),
}

# --- Heart recordings -----------------------------------------------------------------------

HEART_RATE = _loinc(
    "8867-4",
    "Heart rate",
    "https://hl7.org/fhir/R4/heartrate.html (FHIR vital-signs heart rate profile)",
)
# LOINC 80404-7 ("R-R interval.standard deviation (Heart rate variability)") could not be
# verified on a LOINC page, so SDNN and RMSSD use the local system.
HRV: dict[str, tuple[Code, str]] = {  # results["time"] key -> (code, UCUM unit)
    "mean_hr_bpm": (HEART_RATE, "/min"),
    "rmssd_ms": (
        Code(HRV_SYSTEM, "rmssd", "RMSSD of normal-to-normal intervals", LOCAL_SOURCE),
        "ms",
    ),
    "sdnn_ms": (
        Code(HRV_SYSTEM, "sdnn", "SDNN of normal-to-normal intervals", LOCAL_SOURCE),
        "ms",
    ),
}

# --- Body-map findings ----------------------------------------------------------------------

BODY_FINDING = Code(FINDING_SYSTEM, "finding", "Practitioner's body-region finding", LOCAL_SOURCE)

# --- Encounters, consent, categories --------------------------------------------------------

AMBULATORY = Code(
    ACT_CODE, "AMB", "ambulatory", "https://terminology.hl7.org/CodeSystem-v3-ActCode.html"
)
SURVEY = Code(
    OBSERVATION_CATEGORY,
    "survey",
    "Survey",
    "https://terminology.hl7.org/CodeSystem-observation-category.html",
)
VITAL_SIGNS = Code(
    OBSERVATION_CATEGORY,
    "vital-signs",
    "Vital Signs",
    "https://terminology.hl7.org/CodeSystem-observation-category.html",
)
EXAM = Code(
    OBSERVATION_CATEGORY,
    "exam",
    "Exam",
    "https://terminology.hl7.org/CodeSystem-observation-category.html",
)
TREATMENT_SCOPE = Code(
    CONSENT_SCOPE,
    "treatment",
    "Treatment",
    "https://terminology.hl7.org/CodeSystem-consentscope.html",
)
TREATMENT_CONSENT = Code(
    CONSENT_CATEGORY_SYSTEM, "treatment", "Consent to treatment (practice form)", LOCAL_SOURCE
)


def all_codes() -> list[Code]:
    """Every code in the table, for the documentation and its test."""
    out: list[Code] = []
    for panel, total in INSTRUMENT_CODES.values():
        out.append(panel)
        if total is not None:
            out.append(total)
    out += list(RATINGS.values()) + list(MOMENTS.values())
    out += [code for code, _ in HRV.values()]
    out += [BODY_FINDING, AMBULATORY, SURVEY, VITAL_SIGNS, EXAM, TREATMENT_SCOPE]
    out.append(TREATMENT_CONSENT)
    return out
