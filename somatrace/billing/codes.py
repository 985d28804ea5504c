"""Procedure and diagnosis codes a practitioner writes on an invoice for a superbill.

Only their shape is checked, so that a typing slip is caught: the codes are what the
practitioner enters from their own code book, never looked up in a code list (CPT is the
American Medical Association's copyright; ICD-10-CM is published by the CDC's National
Center for Health Statistics). Somatrace does not submit claims.
"""

from __future__ import annotations

import re

# CPT (Current Procedural Terminology, AMA): five characters. Category I codes are five
# digits (97140 manual therapy techniques); Category II are four digits and "F" (performance
# measures, 3008F); Category III are four digits and "T" (emerging technology, 0042T).
# Source: AMA, "CPT overview and code approval" (ama-assn.org/practice-management/cpt).
CPT = re.compile(r"^[0-9]{4}[0-9FT]$")

# ICD-10-CM (CDC/NCHS, "ICD-10-CM Official Guidelines for Coding and Reporting", section
# I.A and the tabular list): 3 to 7 characters; the first a letter, the second a digit, the
# rest letters or digits, with a point after the third when there are more than three
# (M54.50 low back pain, unspecified; F43.10 post-traumatic stress disorder, unspecified).
ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")

MAX_DIAGNOSIS_CODES = 12  # the CMS-1500 claim form's box 21 holds twelve (A to L)


def normalise_cpt(text: str) -> str:
    """A CPT code as written ("97140", "3008f" -> "3008F"); ValueError if it is not one."""
    code = text.strip().upper()
    if not CPT.match(code):
        raise ValueError(
            f"“{text.strip()}” is not a CPT code: five characters, all digits "
            "(97140) or four digits and F or T (3008F, 0042T)."
        )
    return code


def normalise_icd10cm(text: str) -> str:
    """An ICD-10-CM code with its point ("m5450" -> "M54.50"); ValueError if it is not one."""
    code = text.strip().upper()
    if len(code) > 3 and "." not in code:
        code = f"{code[:3]}.{code[3:]}"
    if not ICD10CM.match(code):
        raise ValueError(
            f"“{text.strip()}” is not an ICD-10-CM code: a letter, a digit, then one to five "
            "letters or digits, with a point after the third (M54.50)."
        )
    return code


def parse_diagnosis_codes(text: str) -> list[str]:
    """Codes separated by commas, semicolons or spaces, normalised, in order, without
    repeats. ValueError naming the first that is not a code, or when there are too many."""
    codes: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if part:
            code = normalise_icd10cm(part)
            if code not in codes:
                codes.append(code)
    if len(codes) > MAX_DIAGNOSIS_CODES:
        raise ValueError(f"At most {MAX_DIAGNOSIS_CODES} diagnosis codes.")
    return codes
