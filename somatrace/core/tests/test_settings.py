"""Production settings, read in a fresh process exactly as a deployment would read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from somatrace import settings as production

DEPLOY_ENV = {
    "SOMATRACE_SECRET_KEY": "k3y-" + "x7Qp9" * 12,
    "SOMATRACE_ALLOWED_HOSTS": "somatrace.example.org",
    "SOMATRACE_HSTS_PRELOAD": "1",
}


def somatrace(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOMATRACE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "somatrace.cli", *args],
        env={**clean, "SOMATRACE_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_documented_variables(tmp_path: Path) -> None:
    result = somatrace(
        "check", "--deploy", "--fail-level", "WARNING", env=DEPLOY_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_debug_is_off_and_cookies_are_secure_by_default(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; import json; print(json.dumps([s.DEBUG, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0]))"
    )
    result = somatrace("shell", "-c", code, env=DEPLOY_ENV, tmp_path=tmp_path)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, True, True, True, True]


def test_a_missing_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    env = {"SOMATRACE_ALLOWED_HOSTS": "x"}
    first = somatrace("shell", "-c", code, env=env, tmp_path=tmp_path).stdout.strip()
    second = somatrace("shell", "-c", code, env=env, tmp_path=tmp_path).stdout.strip()
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_passwords_are_hashed_with_argon2() -> None:
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client) -> None:
    policy = client.get("/login/").headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "unsafe-eval" not in policy
    )
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_logged_in_pages_are_never_cached(login, practitioner) -> None:
    response = login(practitioner).get("/")
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_missing_csrf_token_gets_a_clear_page(practitioner, client_record) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post(f"/clients/{client_record.pk}/edit/", {"name": "Changed"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    client_record.refresh_from_db()
    assert client_record.name == "Quinn Example"


@pytest.mark.django_db
def test_an_oversized_request_is_refused_without_a_server_error(
    login, practitioner, client_record
) -> None:
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/edit/", {"name": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


@pytest.mark.django_db
def test_too_many_fields_are_refused_without_a_server_error(login, practitioner) -> None:
    response = login(practitioner).post("/clients/", {f"f{i}": "1" for i in range(2500)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_unknown_ids_get_a_404_page_not_a_500(login, practitioner) -> None:
    browser = login(practitioner)
    for url in (
        "/clients/999999/",
        "/sessions/999999/",
        "/alerts/999999/",
        "/clients/99999999999999999999/",
    ):
        response = browser.get(url)
        assert response.status_code == 404, url


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SOMATRACE_PROXY_COUNT", "0", "SOMATRACE_PROXY_COUNT must be the number of proxies"),
        ("SOMATRACE_PROXY_COUNT", "one", "SOMATRACE_PROXY_COUNT must be the number of proxies"),
        ("SOMATRACE_TRUSTED_PROXIES", "127.0.0.1,caddy", "not 'caddy'"),
        ("SOMATRACE_TRUSTED_PROXIES", "10.0.0.1/8", "not '10.0.0.1/8'"),
    ],
)
def test_a_wrong_proxy_setting_stops_the_start_with_its_name(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = somatrace("check", env={**DEPLOY_ENV, variable: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_behind_a_proxy_the_defaults_trust_this_machine_and_one_proxy(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; import json; print(json.dumps([s.SOMATRACE_BEHIND_PROXY, "
        "s.SOMATRACE_PROXY_COUNT, s.SOMATRACE_TRUSTED_PROXIES, s.SECURE_PROXY_SSL_HEADER]))"
    )
    env = {**DEPLOY_ENV, "SOMATRACE_BEHIND_PROXY": "1"}
    result = somatrace("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        True,
        1,
        ["127.0.0.1", "::1"],
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]
