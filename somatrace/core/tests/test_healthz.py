import json

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_answers_without_login(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": connection.vendor}


@pytest.mark.django_db
def test_it_says_nothing_else_even_when_logged_in(login, owner) -> None:
    response = login(owner).get("/healthz")
    assert set(json.loads(response.content)) == {"status", "database"}
    assert b"Riverside" not in response.content


@pytest.mark.django_db
def test_it_refuses_other_methods(client) -> None:
    assert client.post("/healthz").status_code == 405
