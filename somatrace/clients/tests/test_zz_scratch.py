from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_print_queries(login, practitioner, client_record):
    c = login(practitioner)
    c.get(f"/clients/{client_record.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(f"/clients/{client_record.pk}/")
    assert r.status_code == 200
    for q in ctx.captured_queries:
        print(q["sql"][:230])
    print(len(ctx.captured_queries))
