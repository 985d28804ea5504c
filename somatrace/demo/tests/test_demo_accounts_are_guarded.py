"""The demo accounts have a published password: they stay out of production databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.core.checks import run_checks

from somatrace.accounts.models import Role
from somatrace.core.tests.test_settings import somatrace
from somatrace.testing import make_member, make_practice


@pytest.mark.parametrize("command", [["demo", "--no-serve"], ["seed"]])
def test_demo_accounts_are_refused_when_debug_is_off(tmp_path: Path, command: list[str]) -> None:
    result = somatrace(*command, env={"SOMATRACE_ALLOWED_HOSTS": "x"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "published password" in result.stderr
    assert "--i-know-demo-accounts-are-public" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "somatrace.sqlite3").exists() or _demo_users(tmp_path) == 0


def test_demo_accounts_are_added_when_asked_explicitly(tmp_path: Path) -> None:
    assert somatrace("migrate", env={}, tmp_path=tmp_path).returncode == 0
    result = somatrace(
        "seed",
        "--i-know-demo-accounts-are-public",
        env={"SOMATRACE_ALLOWED_HOSTS": "x"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert _demo_users(tmp_path) == 6  # five staff and the portal client

    warned = somatrace("check", "--deploy", env={"SOMATRACE_ALLOWED_HOSTS": "x"}, tmp_path=tmp_path)
    assert "somatrace.W001" in warned.stderr + warned.stdout


def _demo_users(data: Path) -> int:
    with sqlite3.connect(data / "somatrace.sqlite3") as db:
        return db.execute(
            "SELECT count(*) FROM accounts_user WHERE email LIKE '%@demo.test'"
        ).fetchone()[0]


@pytest.mark.django_db
def test_check_deploy_warns_while_a_demo_account_can_sign_in() -> None:
    demo = make_practice("Stillwater (demo)")
    demo.is_demo = True
    demo.save(update_fields=["is_demo"])
    user = make_member(demo, Role.OWNER, name="Demo Owner")
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "somatrace.W001" in ids

    user.is_active = False
    user.save(update_fields=["is_active"])
    assert "somatrace.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


@pytest.mark.django_db
def test_check_deploy_is_quiet_without_demo_accounts(practice, owner) -> None:
    assert "somatrace.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
