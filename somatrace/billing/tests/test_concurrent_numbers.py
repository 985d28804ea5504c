"""Invoice and receipt numbers stay unique and without gaps when several app servers issue
them at the same moment: four real processes on one PostgreSQL database each invoice ten
appointments and take a payment on each, all starting together.

Tax law wants invoice numbers in an unbroken sequence; the number is taken under the billing
settings row's lock (`SELECT ... FOR UPDATE`), held until the invoice is stored. PostgreSQL
only, as a clinic network runs it (SQLite has one writer at a time); the database is one of
the test's own on the local server, so the SQLite run checks this too.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from somatrace.core.tests.scratch import scratch_postgres
from somatrace.core.tests.test_behind_caddy import SOMATRACE

pytestmark = pytest.mark.xdist_group("concurrent_numbers")
PROCESSES = 4
EACH = 10

SETUP = f"""
from somatrace.billing.testing import make_billing_settings
from somatrace.testing import make_client, make_member, make_practice
practice = make_practice("Riverside")
pat = make_member(practice, name="Pat Practitioner")
make_billing_settings(practice, invoice_prefix="RS-")
for n in range({PROCESSES}):
    make_client(practice, pat, name=f"Client {{n}}")
"""

# {n}: which client. Each process says it is ready (a file), then waits for "go" (another).
ISSUE = """
import pathlib, time
from decimal import Decimal
from somatrace.billing import services
from somatrace.billing.testing import make_appointment
from somatrace.clients.models import Client
from somatrace.testing import staff_actor
client = Client.objects.get(name="Client {n}")
actor = staff_actor(client.assigned_practitioner)
appointments = [make_appointment(client, days_ago=d + 1) for d in range({each})]
pathlib.Path("{ready}").touch()
go = pathlib.Path("{go}")
while not go.exists():
    time.sleep(0.005)
for appointment in appointments:
    invoice = services.invoice_appointments(actor, client, [appointment])
    services.record_payment(actor, invoice, Decimal("10.00"), method="card")
"""


def test_four_servers_issuing_at_once_number_every_invoice_and_receipt_once(
    tmp_path: Path,
) -> None:
    with scratch_postgres("numbers") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOMATRACE_")}
        env.update({"DATABASE_URL": url, "SOMATRACE_DATA_DIR": str(tmp_path / "data")})
        subprocess.run([SOMATRACE, "migrate", "-v", "0"], env=env, check=True, timeout=300)
        subprocess.run([SOMATRACE, "shell", "-c", SETUP], env=env, check=True, timeout=120)

        go = tmp_path / "go"
        issuers = [
            subprocess.Popen(
                [
                    SOMATRACE,
                    "shell",
                    "-c",
                    ISSUE.format(n=n, each=EACH, ready=tmp_path / f"ready-{n}", go=go),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in range(PROCESSES)
        ]
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
            assert all(issuer.poll() is None for issuer in issuers)
            time.sleep(0.05)
        go.touch()
        outputs = [issuer.communicate(timeout=300)[0] for issuer in issuers]
        assert [issuer.returncode for issuer in issuers] == [0] * PROCESSES, outputs

        with psycopg.connect(url) as conn:
            invoices = conn.execute(
                "SELECT sequence, number FROM billing_invoice ORDER BY sequence"
            ).fetchall()
            receipts = conn.execute(
                "SELECT receipt_number FROM billing_payment ORDER BY receipt_number"
            ).fetchall()
            clients_interleaved = conn.execute(
                "SELECT count(*) FROM (SELECT client_id, lag(client_id) OVER (ORDER BY sequence)"
                " AS before FROM billing_invoice) AS runs WHERE client_id <> before"
            ).fetchone()

    total = PROCESSES * EACH
    assert [sequence for sequence, _ in invoices] == list(range(1, total + 1))
    assert [number for _, number in invoices] == [f"RS-{n:04d}" for n in range(1, total + 1)]
    assert [number for (number,) in receipts] == [f"R-{n:04d}" for n in range(1, total + 1)]
    # They did run at once: the sequence changes hands between clients, not one after another.
    assert clients_interleaved is not None and clients_interleaved[0] > PROCESSES, json.dumps(
        invoices
    )
