"""Research in a real browser: the owner withdraws a client's research consent and that
client leaves the results and the de-identified export at once."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from playwright.sync_api import expect

from somatrace.research import deid
from somatrace.research.testing import add_score, birth, make_project, make_research_client

from .axe import serious_violations

pytestmark = pytest.mark.browser


def export_ids(page, url: str) -> set[str]:
    response = page.request.get(url)
    assert response.status == 200
    with zipfile.ZipFile(io.BytesIO(response.body())) as bundle:
        data = bundle.read("data.csv").decode()
    return {row["research_id"] for row in csv.DictReader(io.StringIO(data))}


def test_a_withdrawn_client_leaves_the_results_and_the_export(
    signed_in_page, owner, practice, practitioner, live_server
) -> None:
    clients = []
    for n, (first, latest) in enumerate(((15, 8), (12, 10), (18, 11), (9, 16), (14, 13), (16, 9))):
        client = make_research_client(
            practice, practitioner, name=f"Person Number{n}", date_of_birth=birth(40)
        )
        add_score(client, "GAD7", first, days_ago=50)
        add_score(client, "GAD7", latest, days_ago=3)
        clients.append(client)
    project = make_project(practice, owner)
    leaving = clients[-1]
    page = signed_in_page(owner)
    results = f"{live_server.url}/research/{project.pk}/?instruments=GAD7"
    export = f"{live_server.url}/research/{project.pk}/export.csv.zip"

    page.goto(results)
    row = page.locator('#research-effects tr[data-instrument="GAD7"]')
    expect(row.locator("td").first).to_have_text("6")
    before = export_ids(page, export)
    assert deid.research_id(project.secret, leaving.pk) in before and len(before) == 6
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/research/consents/")
    page.get_by_role("button", name=f"Withdraw research use for {leaving.name}").click()
    expect(page.get_by_text("Research use withdrawn")).to_be_visible()
    expect(
        page.get_by_role("button", name=f"Withdraw research use for {leaving.name}")
    ).to_have_count(0)

    page.goto(results)
    expect(row.locator("td").first).to_have_text("5")
    after = export_ids(page, export)
    assert len(after) == 5 and deid.research_id(project.secret, leaving.pk) not in after
    assert after == before - {deid.research_id(project.secret, leaving.pk)}
