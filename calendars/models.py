"""`Feed`: an iCal calendar a structure already keeps (Google, Outlook, Nextcloud…), pulled on a schedule.

Its ateliers are created, updated and cancelled by `calendars.sync`; this model keeps what the sync needs
between runs (conditional-request validators, a content hash that ignores DTSTAMP) and what the structure is
shown in the admin: when it last worked, what it imported, and why it failed, in plain French.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import enums
from network.fields import ChoiceListField


class FeedStatus(models.TextChoices):
    """Where a calendar stands. A new (or re-addressed) one is « à corriger » until a reading of its address
    works (its preview, or a sync): then « pas encore synchronisé » until its first sync, then « fonctionne »
    or « en erreur »."""

    TO_FIX = "corriger", _("À corriger")
    PENDING = "attente", _("Pas encore synchronisé")
    OK = "ok", _("Fonctionne")
    FAILING = "erreur", _("En erreur")


# The inactive feed that keys one-off imports of `manage.py import_ical` (see `calendars.sync`).
MANUAL_FEED_NAME = "Import manuel"


class FeedQuerySet(models.QuerySet):
    def counted_in_limit(self):
        """Feeds that count in `MAILLAGE_MAX_FEEDS_PER_STRUCTURE`: all but the inactive « Import manuel »
        ones, made by an administrator's `import_ical` and never downloaded on a schedule."""
        return self.exclude(name=MANUAL_FEED_NAME, active=False)

    def read_at(self, url: str):
        """Mark the feeds still « à corriger » whose address `url` has just been read successfully: they may
        now be activated. A feed given another address meanwhile stays as it is."""
        return self.filter(url=url, status=FeedStatus.TO_FIX).update(status=FeedStatus.PENDING)

    def due(self, now):
        """Active feeds whose next run has come (or that never ran)."""
        return self.filter(active=True).filter(
            models.Q(next_run_at__isnull=True) | models.Q(next_run_at__lte=now)
        )


def normalise_feed_url(url: str) -> str:
    """`webcal://` is how calendar sites publish subscription links: it means https (http when asked)."""
    url = url.strip()
    if url.lower().startswith("webcals://"):
        return "https://" + url[len("webcals://") :]
    if url.lower().startswith("webcal://"):
        return "https://" + url[len("webcal://") :]
    return url


class Feed(models.Model):
    structure = models.ForeignKey(
        "network.StructurePage", on_delete=models.CASCADE, related_name="feeds", verbose_name=_("structure")
    )
    name = models.CharField(
        _("nom"), max_length=200, blank=True, help_text=_("Par exemple : « Agenda Google »")
    )
    url = models.CharField(
        _("adresse du calendrier (iCal)"),
        max_length=2000,
        help_text=_("L'adresse « iCal » ou « ICS » de votre agenda (http, https ou webcal)."),
    )
    active = models.BooleanField(
        _("synchronisation active"), default=False, help_text=_("Activée après l'aperçu.")
    )
    interval = models.DurationField(_("fréquence"), default=timedelta(hours=1))

    # Applied to every event of the feed (the feed knows nothing of themes, publics or visibility).
    default_themes = ChoiceListField(_("thèmes par défaut"), choices=enums.Theme.choices)
    default_publics = ChoiceListField(_("publics par défaut"), choices=enums.AtelierPublic.choices)
    default_visibility = models.CharField(
        _("visibilité par défaut"),
        max_length=10,
        choices=enums.Visibility.choices,
        default=enums.Visibility.PUBLIC,
    )
    default_place_name = models.CharField(_("lieu par défaut"), max_length=200, blank=True)
    default_address = models.CharField(_("adresse par défaut"), max_length=255, blank=True)
    default_commune = models.CharField(_("commune par défaut"), max_length=120, blank=True)

    # What the sync keeps between runs.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified_header = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    uid_strategy = models.CharField(max_length=20, blank=True, editable=False)  # "" or "start_title"
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    # What the structure is shown.
    status = models.CharField(
        _("état"), max_length=10, choices=FeedStatus.choices, default=FeedStatus.PENDING, editable=False
    )
    last_fetch_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("dernière réussite"), null=True, blank=True, editable=False)
    next_run_at = models.DateTimeField(_("prochaine synchronisation"), null=True, blank=True, editable=False)
    unchanged_fetches = models.PositiveIntegerField(_("relevés sans changement"), default=0, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("échecs d'affilée"), default=0, editable=False)
    failing_since = models.DateTimeField(_("en erreur depuis"), null=True, blank=True, editable=False)
    failure_notified = models.BooleanField(default=False, editable=False)
    last_counts = models.JSONField(_("dernier bilan"), default=dict, blank=True, editable=False)
    last_error = models.TextField(_("dernière erreur"), blank=True, editable=False)
    warnings = models.JSONField(_("avertissements"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendrier synchronisé")
        verbose_name_plural = _("calendriers synchronisés")
        ordering = ["structure", "name", "pk"]
        constraints = [
            # `url` is stored normalised (`normalise_feed_url`, applied by the form and by `clean`), so
            # « webcal://x » and « https://x » are the same calendar here.
            models.UniqueConstraint(
                fields=["structure", "url"],
                name="one_feed_per_structure_url",
                violation_error_message=_("Ce calendrier est déjà relié à cette structure."),
            )
        ]

    def __str__(self):
        return self.name or self.url

    @property
    def needs_fixing(self) -> bool:
        """Saved, but its address has never been read successfully: it cannot be activated yet."""
        return self.status == FeedStatus.TO_FIX

    def clean(self):
        super().clean()
        self.url = normalise_feed_url(self.url)
        # An empty address is the field's own error (or the form's, which left it out of the instance).
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            raise ValidationError(
                {
                    "url": ValidationError(
                        _("L'adresse doit commencer par http://, https:// ou webcal://."), code="feed_scheme"
                    )
                }
            )
        if self.interval < timedelta(minutes=15):
            raise ValidationError(
                {
                    "interval": ValidationError(
                        _("Au plus une synchronisation par quart d'heure."), code="too_often"
                    )
                }
            )

    def schedule_next_run(self, now=None):
        self.next_run_at = (now or timezone.now()) + self.interval


class FeedPreviewStatus(models.TextChoices):
    PENDING = "attente", _("En attente")
    RUNNING = "lecture", _("Lecture en cours")
    DONE = "fait", _("Terminé")
    FAILED = "echec", _("Échec")


class FeedPreviewQuerySet(models.QuerySet):
    def expired(self, now):
        """Previews older than `FeedPreview.KEPT_FOR`: what they read says little about the calendar today."""
        return self.filter(created_at__lt=now - FeedPreview.KEPT_FOR)

    def unfinished(self):
        return self.filter(status__in=[FeedPreviewStatus.PENDING, FeedPreviewStatus.RUNNING])


class FeedPreview(models.Model):
    """One reading of a feed's calendar asked for in the admin, run by a Celery worker, never by the web
    request: a slow calendar host could otherwise hold a web worker for the whole fetch deadline.

    The page that asked shows its `status` until it is `done` (the `result`: counts, first events, warnings)
    or `failed` (`error`, in French). Each belongs to the person who asked and to the feed's address at that
    time: another address is another reading. Readings older than `KEPT_FOR` are deleted when the next is
    asked for; nothing refers to them.
    """

    KEPT_FOR = timedelta(days=1)
    # A reading still pending after this has lost its task (no worker, broker down): asking again starts anew.
    STALE_AFTER = timedelta(minutes=5)

    feed = models.ForeignKey(
        Feed, on_delete=models.CASCADE, related_name="previews", verbose_name=_("calendrier")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    url = models.CharField(_("adresse lue"), max_length=2000)
    status = models.CharField(
        _("état"), max_length=10, choices=FeedPreviewStatus.choices, default=FeedPreviewStatus.PENDING
    )
    result = models.JSONField(_("résultat"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    objects = FeedPreviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("aperçu de calendrier")
        verbose_name_plural = _("aperçus de calendriers")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.feed} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (FeedPreviewStatus.DONE, FeedPreviewStatus.FAILED)

    def is_stale(self, now=None) -> bool:
        """Still unfinished long after it was asked for: its task was lost, the page offers to ask again."""
        return not self.finished and self.created_at < (now or timezone.now()) - self.STALE_AFTER
