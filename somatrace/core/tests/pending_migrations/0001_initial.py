"""A migration never applied: test_readyz points an app at it to have one pending."""

from django.db import migrations


class Migration(migrations.Migration):
    operations: list[migrations.operations.base.Operation] = []
