# Touch consent moved to clients, region work and overrides to therapy (their tables stay).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bodymaps', '0002_finding_timeline_event'),
        ('clients', '0003_touch_consent_map'),
        ('therapy', '0003_region_work'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='RegionWork'),
                migrations.DeleteModel(name='TouchOverride'),
                migrations.DeleteModel(name='TouchConsentMap'),
            ],
            database_operations=[],
        ),
    ]
