"""The de-identified export: nothing that names or dates a person, research ids per project,
and a re-identification check that blocks rare combinations."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Tag
from somatrace.research import deid
from somatrace.research.limits import LIMITS
from somatrace.research.testing import make_project

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def unzip(body: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(body)) as bundle:
        return {name: bundle.read(name).decode() for name in bundle.namelist()}


def test_the_csv_has_no_name_email_free_text_or_exact_date(login, owner, project, cohort) -> None:
    response = login(owner).get(reverse("research_export_csv", args=[project.pk]))
    assert response.status_code == 200
    files = unzip(response.content)
    assert set(files) == {"data.csv", "dictionary.csv", "LIMITS.txt"}
    data = files["data.csv"]
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 10 and set(rows[0]) == set(deid.COLUMNS)
    for client in cohort:
        assert client.name not in data and client.email not in data
        assert client.name.split()[0] not in data
    assert "Private words" not in data
    assert not ISO_DATE.search(data)
    assert {r["age_band"] for r in rows} == {"30-39"}
    # First session 59 days ago; scores 60 days ago (the day before: -1) and 5 days ago (54).
    assert sorted({r["day"] for r in rows}) == ["-1", "54"]
    assert LIMITS in files["LIMITS.txt"] and LIMITS in files["dictionary.csv"]


def test_research_ids_are_stable_per_project_and_not_the_client_ids(
    login, owner, practice, project, cohort
) -> None:
    browser = login(owner)

    def ids(p: Any) -> set[str]:
        body = browser.get(reverse("research_export_csv", args=[p.pk])).content
        return {r["research_id"] for r in csv.DictReader(io.StringIO(unzip(body)["data.csv"]))}

    first, again = ids(project), ids(project)
    assert first == again and len(first) == 5
    other = ids(make_project(practice, owner, title="Another question"))
    assert first.isdisjoint(other)
    assert not {str(c.pk) for c in cohort} & {i.lstrip("R") for i in first}


def test_the_parquet_file_carries_the_same_rows_dictionary_and_limits(
    login, owner, project, cohort
) -> None:
    response = login(owner).get(reverse("research_export_parquet", args=[project.pk]))
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 10 and table.column_names == list(deid.COLUMNS)
    meta = table.schema.metadata
    assert meta[b"limits"].decode() == LIMITS and b"research_id" in meta[b"dictionary"]


def test_a_download_is_audited_as_an_export_of_the_cohort(login, owner, project, cohort) -> None:
    login(owner).get(reverse("research_export_csv", args=[project.pk]))
    event = AuditEvent.objects.get(object_type="research.export")
    assert event.action == "export" and sorted(event.object_ids) == sorted(c.pk for c in cohort)


def test_a_rare_combination_blocks_the_export_until_resolved(
    login, owner, practice, project, cohort
) -> None:
    grief = Tag.objects.create(practice=practice, name="grief")
    cohort[0].tags.add(grief)
    browser = login(owner)
    page = browser.get(reverse("research_export", args=[project.pk])).content.decode()
    assert "Export blocked" in page and "grief" in page
    blocked = browser.get(reverse("research_export_csv", args=[project.pk]))
    assert blocked.status_code == 302
    assert not AuditEvent.objects.filter(object_type="research.export").exists()
    # Resolved by leaving the tags out.
    resolved = browser.get(reverse("research_export_csv", args=[project.pk]) + "?band_width=10")
    assert resolved.status_code == 200
    data = unzip(resolved.content)["data.csv"]
    assert "grief" not in data


def test_fewer_clients_than_the_minimum_export_nothing(login, owner, project, cohort) -> None:
    project.minimum = 6
    project.save()
    browser = login(owner)
    assert (
        "nothing can be exported"
        in browser.get(reverse("research_export", args=[project.pk])).content.decode()
    )
    assert browser.get(reverse("research_export_csv", args=[project.pk])).status_code == 302


def test_withdrawn_clients_leave_the_export(login, owner, project, cohort) -> None:
    project.minimum = 4
    project.save()
    browser = login(owner)
    browser.post(reverse("research_consent_withdraw", args=[cohort[0].pk]))
    body = browser.get(reverse("research_export_csv", args=[project.pk])).content
    rows = list(csv.DictReader(io.StringIO(unzip(body)["data.csv"])))
    assert len({r["research_id"] for r in rows}) == 4
    assert deid.research_id(project.secret, cohort[0].pk) not in {r["research_id"] for r in rows}


def test_age_bands_by_hand() -> None:
    assert deid.age_band(34) == "30-39"
    assert deid.age_band(34, 20) == "20-39"
    assert deid.age_band(18) == "18-19"
    assert deid.age_band(17) == "under 18"
    assert deid.age_band(85) == "80+"
    assert deid.age_band(None) == "unknown"


def test_rare_combinations_by_hand() -> None:
    people = [("30-39", "")] * 5 + [("30-39", "grief")] + [("40-49", "")] * 2
    rare = deid.rare_combinations(people, 5)
    assert [(r.values, r.count) for r in rare] == [
        (("30-39", "grief"), 1),
        (("40-49", ""), 2),
    ]
