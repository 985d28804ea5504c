"""gunicorn's logs, with paths made safe (see core.redact): `somatrace serve` uses it.

With SOMATRACE_LOG_FORMAT=json (the default on a server) gunicorn's own lines and the
access log are JSON objects, one a line, like the application's; each access line carries
the request id the application answered with (X-Request-ID, core/request_id.py)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

from somatrace.core.client_address import client_address
from somatrace.core.redact import safe_path
from somatrace.core.request_id import HEADER


def _json() -> bool:
    return bool(settings.SOMATRACE_LOG_FORMAT == "json")


class AccessLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if _json():
            formatter = JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
            for handler in self.error_log.handlers:
                handler.setFormatter(formatter)

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

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not _json():
            super().access(resp, req, environ, request_time)
            return
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        request_id = dict((k.lower(), v) for k, v in resp.headers).get(HEADER.lower(), "-")
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{atoms['m']} {atoms['U']} {atoms['s']}",
            "request_id": request_id,
            "client": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            logging.getLogger("gunicorn.error").exception("Failed to write the access log")
