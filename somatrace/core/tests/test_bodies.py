"""core/bodies.py: an anonymous visitor's body is refused before anything reads it, so nothing
of a 200 MB upload reaches the server's temporary directory; signed-in users and the public
pages (login, password reset, questionnaire and body-map links) work as before."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client, override_settings

from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.testing import make_handover, payload
from somatrace.core.bodies import ANONYMOUS_BODY_BYTES, SIGN_IN_FIRST, TOO_LARGE
from somatrace.physio.models import Recording

RR = b"800\n810\n790\n" * 1000  # 12 kB of RR intervals, a real upload's format
BODY_MIDDLEWARE = "somatrace.core.bodies.UnauthenticatedBodyMiddleware"


@pytest.fixture
def spool(tmp_path, settings):
    """Every uploaded file goes to a temporary directory of its own, however small."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return directory


def strict_client() -> Client:
    """A test client that lets CSRF check (and so read) posted forms, as a browser's would,
    holding the CSRF cookie that anyone gets from the login page. Its middleware is loaded
    from the settings of the moment."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/login/")
    assert "csrftoken" in browser.cookies
    return browser


@pytest.fixture
def strict():
    return strict_client()


def test_an_anonymous_upload_is_refused_and_never_spooled(strict, client_record, spool) -> None:
    url = f"/physio/clients/{client_record.pk}/recordings/new/"
    response = strict.post(url, {"file": SimpleUploadedFile("rr.txt", RR * 2)})  # 24 kB
    assert response.status_code == 401
    assert response.content.decode() == SIGN_IN_FIRST
    assert list(spool.iterdir()) == []
    assert not Recording.objects.exists()


def test_without_the_middleware_the_same_upload_would_be_spooled(client_record, spool) -> None:
    # The premise of the test above: CSRF reads the multipart body (the file lands in the
    # temporary directory) before its refusal or the login check answer. Django removes the
    # file when the request ends, so the spooled name is caught as it is made.
    made: list[str] = []

    class Watched(TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self.temporary_file_path())

    middleware = [m for m in settings.MIDDLEWARE if m != BODY_MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware), pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.files.uploadhandler.TemporaryUploadedFile", Watched)
        response = strict_client().post(
            f"/physio/clients/{client_record.pk}/recordings/new/",
            {"file": SimpleUploadedFile("rr.txt", RR * 2)},
        )
    assert response.status_code == 403  # CSRF, having read the upload
    assert made and all(Path(name).parent == spool for name in made)


def test_an_anonymous_json_body_to_a_private_url_gets_a_json_401(client, client_record) -> None:
    body = json.dumps({"words": "x" * (ANONYMOUS_BODY_BYTES + 1)})
    response = client.post(
        f"/bodymaps/clients/{client_record.pk}/paint/", body, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"error": SIGN_IN_FIRST}


def test_small_anonymous_forms_still_meet_the_login_page(client, client_record) -> None:
    response = client.post(f"/clients/{client_record.pk}/edit/", {"name": "x" * 1000})
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_login_form_and_password_reset_take_anonymous_posts(client, practitioner) -> None:
    response = client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error
    response = client.post("/password/reset/", {"email": practitioner.email})
    assert response.status_code == 302 and response.url == "/password/reset/sent/"


def test_a_body_map_link_takes_a_painting_without_a_login(client, client_record) -> None:
    _, token = make_handover(client_record)
    response = client.post(f"/p/{token}/", json.dumps(payload()), content_type="application/json")
    assert response.status_code < 400
    assert Painting.objects.count() == 1


def test_public_pages_take_nothing_over_the_form_limit(client, spool) -> None:
    three_mb = SimpleUploadedFile("a.txt", b"x" * 3_000_000)
    response = client.post("/login/", {"username": "a@example.org", "file": three_mb})
    assert response.status_code == 413 and response.content.decode() == TOO_LARGE
    big = b"[" + b"0," * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2) + b"0]"
    response = client.post("/p/some-token/", big, content_type="application/json")
    assert response.status_code == 413 and response.json() == {"error": TOO_LARGE}
    assert list(spool.iterdir()) == []


def test_a_signed_in_user_uploads_as_before(login, practitioner, client_record, spool) -> None:
    browser = login(practitioner)
    response = browser.post(
        f"/physio/clients/{client_record.pk}/recordings/new/",
        {"file": SimpleUploadedFile("rr.txt", RR)},
    )
    assert response.status_code == 302
    assert Recording.objects.filter(client=client_record).count() == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_real_server_answers_a_200_mb_anonymous_upload_before_its_body(tmp_path) -> None:
    """`somatrace serve` (gunicorn): the headers of a 200 MB multipart upload get a 401 at
    once, while the body has not been sent; nothing lands in the temporary directory."""
    somatrace = Path(sys.executable).with_name("somatrace")
    spooled = tmp_path / "tmp"
    spooled.mkdir()
    env = {
        **os.environ,
        "SOMATRACE_DATA_DIR": str(tmp_path),
        "SOMATRACE_DEBUG": "1",
        "TMPDIR": str(spooled),  # Django's FILE_UPLOAD_TEMP_DIR is None: tempfile's default
    }
    env.pop("DATABASE_URL", None)  # a fresh SQLite database of its own
    subprocess.run([somatrace, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [somatrace, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # a loaded machine starts gunicorn slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("somatrace serve did not answer")
        before = set(spooled.iterdir())
        boundary = "somatraceboundary"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.putrequest("POST", "/physio/clients/1/recordings/new/")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(200 * 1024 * 1024))
        connection.endheaders()  # the headers only: not one byte of the body
        started = time.monotonic()
        response = connection.getresponse()
        answer = response.read().decode()
        waited = time.monotonic() - started
        assert response.status == 401 and answer == SIGN_IN_FIRST
        assert waited < 10  # it did not wait for 200 MB that never came
        # The body the server did not ask for, sent anyway, goes nowhere.
        part = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=file; filename=rr.txt\r\n"
            "Content-Type: text/plain\r\n\r\n"
        ).encode() + RR * 80
        with contextlib.suppress(OSError):  # the server may have closed the connection
            connection.sock.sendall(part)
        connection.close()
        time.sleep(0.5)
        assert set(spooled.iterdir()) == before
    finally:
        server.terminate()
        server.communicate(timeout=30)
