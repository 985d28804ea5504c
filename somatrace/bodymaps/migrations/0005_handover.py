# Body-map hand-overs: the painter handed to the client on the practice tablet (kiosk) or by a
# single-use secure link (only the SHA-256 of its token is stored).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bodymaps', '0004_embody_geometry_and_stimulus'),
        ('clients', '0003_touch_consent_map'),
        ('therapy', '0004_note'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Handover',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moment', models.CharField(choices=[('pre', 'Before the session'), ('post', 'After the session'), ('checkin', 'Check-in between sessions')], max_length=8)),
                ('channel', models.CharField(choices=[('kiosk', 'Practice tablet (kiosk)'), ('link', 'Secure link')], max_length=6)),
                ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='handovers', to='clients.client')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('painting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='bodymaps.painting')),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='handovers', to='therapy.session')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['client', 'moment', 'created_at'], name='bodymaps_ha_client__36c773_idx')],
            },
        ),
    ]
