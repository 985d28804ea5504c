# Work on a region and its touch-consent overrides are session records: they move from the
# body maps app to therapy (the tables stay as they are), and work logged as a technique on
# the timeline now points at that event.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import django.core.validators


class Migration(migrations.Migration):

    dependencies = [
        ('bodymaps', '0002_finding_timeline_event'),
        ('clients', '0003_touch_consent_map'),
        ('therapy', '0002_console'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TouchOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.CharField(max_length=40)),
                        ('reason', models.TextField(validators=[django.core.validators.MaxLengthValidator(2000)])),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='touch_overrides', to='clients.client')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='touch_overrides', to='therapy.session')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'bodymaps_touchoverride',
                        'ordering': ['-at'],
                    },
                ),
                migrations.CreateModel(
                    name='RegionWork',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.CharField(max_length=40)),
                        ('touch_status', models.CharField(choices=[('welcome', 'Touch welcome'), ('check_in', 'Welcome with a check-in first'), ('not_welcome', 'Not welcome')], max_length=12)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='region_work', to='clients.client')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='region_work', to='therapy.session')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('override', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work', to='therapy.touchoverride')),
                    ],
                    options={
                        'db_table': 'bodymaps_regionwork',
                        'ordering': ['at', 'id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='regionwork',
            name='event',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='work', to='therapy.timelineevent'),
        ),
    ]
