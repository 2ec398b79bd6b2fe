"""`Feed` moved from `events` (issue 16): state only, the table `events_feed` and its rows stay as they are.

`0002` then renames the table to the default name of this app.
"""

import datetime
import django.db.models.deletion
import network.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('network', '0003_membershiprequest_reason'),
        ('events', '0008_drop_redundant_fk_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Feed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(blank=True, help_text='Par exemple : « Agenda Google »', max_length=200, verbose_name='nom')),
                        ('url', models.CharField(help_text="L'adresse « iCal » ou « ICS » de votre agenda (http, https ou webcal).", max_length=2000, verbose_name='adresse du calendrier (iCal)')),
                        ('active', models.BooleanField(default=False, help_text="Activée après l'aperçu.", verbose_name='synchronisation active')),
                        ('interval', models.DurationField(default=datetime.timedelta(seconds=3600), verbose_name='fréquence')),
                        ('default_themes', network.fields.ChoiceListField(choices=[('Aide aux démarches administratives', 'Aide aux démarches administratives'), ('Maîtrise des outils numériques du quotidien', 'Maîtrise des outils numériques du quotidien'), ('Insertion professionnelle via le numérique', 'Insertion professionnelle via le numérique'), ('Utilisation sécurisée du numérique', 'Utilisation sécurisée du numérique'), ('Parentalité et éducation avec le numérique', 'Parentalité et éducation avec le numérique'), ('Loisirs et créations numériques', 'Loisirs et créations numériques'), ('Compréhension du monde numérique', 'Compréhension du monde numérique'), ('Accès internet et matériel informatique', 'Accès internet et matériel informatique'), ('Acquisition de matériel informatique à prix solidaire', 'Acquisition de matériel informatique à prix solidaire')], verbose_name='thèmes par défaut')),
                        ('default_publics', network.fields.ChoiceListField(choices=[('Tous publics', 'Tous publics'), ('Jeunes', 'Jeunes'), ('Étudiants', 'Étudiants'), ('Familles et/ou enfants', 'Familles et/ou enfants'), ('Seniors', 'Seniors'), ('Femmes', 'Femmes')], verbose_name='publics par défaut')),
                        ('default_visibility', models.CharField(choices=[('public', 'Public'), ('pro', 'Professionnels seulement')], default='public', max_length=10, verbose_name='visibilité par défaut')),
                        ('default_place_name', models.CharField(blank=True, max_length=200, verbose_name='lieu par défaut')),
                        ('default_address', models.CharField(blank=True, max_length=255, verbose_name='adresse par défaut')),
                        ('default_commune', models.CharField(blank=True, max_length=120, verbose_name='commune par défaut')),
                        ('etag', models.CharField(blank=True, editable=False, max_length=500)),
                        ('last_modified_header', models.CharField(blank=True, editable=False, max_length=100)),
                        ('content_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('uid_strategy', models.CharField(blank=True, editable=False, max_length=20)),
                        ('locked_until', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('status', models.CharField(choices=[('attente', 'Pas encore synchronisé'), ('ok', 'Fonctionne'), ('erreur', 'En erreur')], default='attente', editable=False, max_length=10, verbose_name='état')),
                        ('last_fetch_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='dernière tentative')),
                        ('last_success_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='dernière réussite')),
                        ('next_run_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='prochaine synchronisation')),
                        ('unchanged_fetches', models.PositiveIntegerField(default=0, editable=False, verbose_name='relevés sans changement')),
                        ('consecutive_failures', models.PositiveIntegerField(default=0, editable=False, verbose_name="échecs d'affilée")),
                        ('failing_since', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='en erreur depuis')),
                        ('failure_notified', models.BooleanField(default=False, editable=False)),
                        ('last_counts', models.JSONField(blank=True, default=dict, editable=False, verbose_name='dernier bilan')),
                        ('last_error', models.TextField(blank=True, editable=False, verbose_name='dernière erreur')),
                        ('warnings', models.JSONField(blank=True, default=list, editable=False, verbose_name='avertissements')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('structure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feeds', to='network.structurepage', verbose_name='structure')),
                    ],
                    options={
                        'verbose_name': 'calendrier synchronisé',
                        'verbose_name_plural': 'calendriers synchronisés',
                        'ordering': ['structure', 'name', 'pk'],
                        'db_table': 'events_feed',
                    },
                ),
            ],
        ),
    ]
