from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Somatrace with gunicorn (static files included, no separate web server needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # Processes rather than threads: a thread waiting on the database gets the
        # interpreter back only after a thread busy rendering a page lets go of it (up to
        # 5 ms per query), so in one process of 8 threads a console event's ten queries
        # waited behind every page drawn beside it. 4 x 2 against 1 x 8 per server, same
        # load (docs/performance.md): event p99 120 ms against 210-260.
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "4")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")))
        # gunicorn's default keeps an idle connection 2 seconds. A reverse proxy reuses its
        # idle upstream connections for longer (Caddy: 2 minutes), and a console tablet posts
        # an event every few seconds, so either would now and then send a request into a
        # connection gunicorn had just closed: a 502, or an event the tablet must resend.
        # Outlast Caddy's 2 minutes; a gthread worker keeps idle connections in its poller,
        # not in a thread.
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(os.environ.get("WEB_KEEPALIVE", "130")),
            help="seconds an idle connection stays open (default 130)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        keep_alive: int,
        **options: Any,
    ) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        # Metrics (core/metrics.py) from every gunicorn worker, added up at each scrape:
        # prometheus_client's multiprocess mode, in the folder `somatrace` chose before
        # Django started (cli.py), emptied here: it holds this server's counts only.
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # called other than by the cli
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="somatrace-metrics-")
        folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        if settings.SOMATRACE_LOG_FORMAT == "text":
            self.stdout.write(f"Somatrace is serving at http://{host}:{port}/  (Ctrl+C stops it)")
        argv = [
            "gunicorn",
            "somatrace.wsgi:application",
            f"--bind={host}:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            f"--keep-alive={keep_alive}",
            "--access-logfile=-",
            # Path only, with secret link tokens replaced by a reference (core/redact.py):
            # query strings and tokens never reach the log.
            "--logger-class=somatrace.core.access_log.AccessLogger",
            '--access-logformat=%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
            # Behind a reverse proxy, X-Forwarded-Proto counts from its addresses only (and
            # the access log names the client it reports: core/client_address.py); served
            # directly, from nobody.
            "--forwarded-allow-ips="
            + (
                ",".join(settings.SOMATRACE_TRUSTED_PROXIES)
                if settings.SOMATRACE_BEHIND_PROXY
                else ""
            ),
        ]
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
