"""gunicorn's access log, with paths made safe (see core.redact): `somatrace serve` uses it."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from somatrace.core.client_address import client_address
from somatrace.core.redact import safe_path


class AccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        # Behind a trusted reverse proxy, the client it reports rather than the proxy.
        atoms["h"] = client_address(environ) or "-"
        path = safe_path(environ.get("PATH_INFO") or "")
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        # Raw URI, query string, referrer and environment copies could hold the same secret.
        for key in list(atoms):
            if key.endswith("}e") or key in ("{referer}i", "q", "f"):
                atoms[key] = "-"
        return atoms
