"""Where a request came from: the one answer used by the audit log, the login lockout
(django-axes) and gunicorn's access log.

Served directly, the address is the socket's peer (REMOTE_ADDR) and any X-Forwarded-For
header is ignored, so a client cannot claim to be someone else. With
`SOMATRACE_BEHIND_PROXY=1`, a request whose peer is one of `SOMATRACE_TRUSTED_PROXIES` is
attributed to the address its proxies report: each of the `SOMATRACE_PROXY_COUNT` proxies
appends the address it was connected from to X-Forwarded-For, so the client is the
`SOMATRACE_PROXY_COUNT`-th entry from the right, and whatever a client wrote to the left of
it is ignored. django-ipware reads the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip

from somatrace.core.actor import token_reference


def _is_trusted_proxy(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network) for network in settings.SOMATRACE_TRUSTED_PROXIES
    )


def client_address(meta: Mapping[str, Any]) -> str | None:
    """The client's address from a WSGI environ or request.META (see the module docstring)."""
    peer = meta.get("REMOTE_ADDR") or None
    if not settings.SOMATRACE_BEHIND_PROXY or peer is None or not _is_trusted_proxy(peer):
        return peer
    request = HttpRequest()
    request.META = dict(meta)
    # ipware counts the proxies that appear in the header after the client; the nearest
    # proxy is the peer, not in the header, so one proxy means none after the client.
    forwarded, _ = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.SOMATRACE_PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    # Without the header (a health check from the proxy's host) the peer is the client.
    return forwarded or peer


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for this request: the actor's, the audit row's and axes' one."""
    return client_address(request.META)


def describe_attempt(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest | None,
) -> str:
    """How django-axes names a sign-in attempt in the log (AXES_CLIENT_STR_CALLABLE): the
    account by a short reference, never the email typed, and the address."""
    account = f"~{token_reference(username.lower())}" if username else "(none)"
    return f"account {account} from {ip_address or 'an unknown address'}"
