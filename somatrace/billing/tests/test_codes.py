"""The shape of procedure and diagnosis codes (not a code list)."""

from __future__ import annotations

import pytest

from somatrace.billing.codes import normalise_cpt, normalise_icd10cm, parse_diagnosis_codes


@pytest.mark.parametrize(
    ("text", "code"), [("97140", "97140"), (" 3008f ", "3008F"), ("0042T", "0042T")]
)
def test_it_accepts_the_three_cpt_categories(text: str, code: str) -> None:
    assert normalise_cpt(text) == code


@pytest.mark.parametrize("text", ["9714", "971400", "97140A", "ABCDE", "9714X", ""])
def test_it_refuses_what_is_not_a_cpt_code(text: str) -> None:
    with pytest.raises(ValueError, match="not a CPT code"):
        normalise_cpt(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("M54.50", "M54.50"),
        ("m5450", "M54.50"),
        ("F43.10", "F43.10"),
        ("F43", "F43"),
        ("S13.4XXA", "S13.4XXA"),
    ],
)
def test_it_accepts_icd10cm_codes_and_adds_the_point(text: str, code: str) -> None:
    assert normalise_icd10cm(text) == code


@pytest.mark.parametrize("text", ["1234", "M5", "M54.123456", "MM4.5", "M54..5"])
def test_it_refuses_what_is_not_an_icd10cm_code(text: str) -> None:
    with pytest.raises(ValueError, match="not an ICD-10-CM code"):
        normalise_icd10cm(text)


def test_a_list_of_diagnoses_is_split_normalised_and_deduplicated() -> None:
    assert parse_diagnosis_codes("M54.50, f43.10;M5450") == ["M54.50", "F43.10"]
    assert parse_diagnosis_codes("  ") == []
    with pytest.raises(ValueError, match="At most 12"):
        parse_diagnosis_codes(" ".join(f"M54.{n}" for n in range(10, 23)))
