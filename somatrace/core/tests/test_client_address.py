"""Where a request came from: the peer, unless a trusted reverse proxy reports the client."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from somatrace.core.client_address import client_address, client_ip, describe_attempt

PROXY = "127.0.0.1"
CLIENT = "203.0.113.5"
FORGED = "198.51.100.7"


@pytest.fixture
def behind_proxy(settings):
    settings.SOMATRACE_BEHIND_PROXY = True
    settings.SOMATRACE_PROXY_COUNT = 1
    settings.SOMATRACE_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    return settings


def test_served_directly_a_forwarded_header_is_ignored(settings) -> None:
    settings.SOMATRACE_BEHIND_PROXY = False
    meta = {"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": FORGED}
    assert client_address(meta) == CLIENT


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(behind_proxy) -> None:
    # A proxy that appends (rather than replaces) keeps what the client sent on the left.
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{FORGED}, {CLIENT}"}
    assert client_address(meta) == CLIENT


def test_behind_two_proxies_the_client_is_second_from_the_right(behind_proxy) -> None:
    behind_proxy.SOMATRACE_PROXY_COUNT = 2
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{FORGED}, {CLIENT}, 10.0.0.2"}
    assert client_address(meta) == CLIENT


def test_a_chain_shorter_than_the_proxy_count_is_not_believed(behind_proxy) -> None:
    behind_proxy.SOMATRACE_PROXY_COUNT = 2
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT}
    assert client_address(meta) == PROXY


def test_a_peer_that_is_not_a_trusted_proxy_cannot_forward(behind_proxy) -> None:
    meta = {"REMOTE_ADDR": "192.0.2.44", "HTTP_X_FORWARDED_FOR": FORGED}
    assert client_address(meta) == "192.0.2.44"


def test_trusted_proxies_may_be_given_as_a_network(behind_proxy) -> None:
    behind_proxy.SOMATRACE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": CLIENT}) == CLIENT
    assert client_address({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT}) == PROXY


def test_without_the_header_or_with_garbage_the_peer_is_the_client(behind_proxy) -> None:
    assert client_address({"REMOTE_ADDR": PROXY}) == PROXY
    assert client_address({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "evil\n"}) == PROXY


def test_an_ipv6_client_behind_the_proxy(behind_proxy) -> None:
    meta = {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"}
    assert client_address(meta) == "2001:db8::7"


def test_the_request_helper_reads_the_same_meta(behind_proxy) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert client_ip(request) == CLIENT


def test_axes_and_the_actor_ask_the_same_function(settings) -> None:
    assert settings.AXES_CLIENT_IP_CALLABLE == "somatrace.core.client_address.client_ip"


def test_a_sign_in_attempt_is_described_without_the_email() -> None:
    text = describe_attempt("Pat@Example.test", CLIENT, "agent", "/login/", None)
    # `printf pat@example.test | sha256sum` begins 5aa8df94.
    assert text == f"account ~5aa8df94 from {CLIENT}"
