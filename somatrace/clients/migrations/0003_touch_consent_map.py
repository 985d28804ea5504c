# Touch consent is consent: the map moves from the body maps app to the client record.
# Only Django's idea of which app owns it changes; the table stays as it is.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bodymaps', '0002_finding_timeline_event'),
        ('clients', '0002_tolerance_window_and_research_consent'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TouchConsentMap',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('regions', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='touch_maps', to='clients.client')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'bodymaps_touchconsentmap',
                        'ordering': ['-version'],
                        'constraints': [models.UniqueConstraint(fields=('client', 'version'), name='unique_touch_map_version')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
