"""A run of the national places import started from the admin (`ImportRun`), recorded from upload to end.

A national file (20,000 places) takes far longer than a web request may: the admin stores the uploaded file
and a run row, and a Celery task imports it (`opendata.runs`). The row is what the person who uploaded
follows: its status, counts and French report, or the error that stopped it. A run is never left looking
alive when it is not: a run that raised is marked failed by the task, one whose worker died is marked failed
when its task comes back (`acks_late`) or, if the task itself was lost, once it is older than the task's time
limit (`ImportRunQuerySet.stalled`, marked failed by a periodic task: `opendata.runs.fail_stalled_runs`).
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def import_storage():
    """Uploaded files are kept out of the public media: `STORAGES["imports"]` (a folder of `VAR_DIR`)."""
    return storages["imports"]


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("échoué")


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators see every run; a coordinator sees the runs they started."""
        if user.is_superuser:
            return self
        return self.filter(user=user)

    def unfinished(self):
        return self.filter(status__in=[ImportRunStatus.QUEUED, ImportRunStatus.RUNNING])

    def stalled(self, *, now):
        """The runs that can no longer end by themselves at `now`: running for longer than the task's hard
        time limit (its worker died and the task did not come back), or queued for longer than
        `MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS` (the broker lost the task)."""
        running_limit = now - timedelta(seconds=settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT + 60)
        queued_limit = now - timedelta(hours=settings.MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS)
        return self.filter(
            Q(status=ImportRunStatus.RUNNING, started_at__lt=running_limit)
            | Q(status=ImportRunStatus.QUEUED, created_at__lt=queued_limit)
        )


INTERRUPTED = _(
    "L'import a été interrompu (arrêt du serveur de tâches ou délai dépassé). Ce qui a été enregistré avant "
    "l'arrêt est gardé : importez de nouveau le même fichier, les lieux déjà créés ne sont pas dupliqués."
)
NEVER_STARTED = _(
    "L'import n'a jamais commencé : sa tâche s'est perdue (serveur de tâches arrêté ou file vidée). Rien "
    "n'a été importé : envoyez de nouveau le même fichier."
)


class ImportRun(models.Model):
    """One upload of a file of the national schema in the admin, imported (or simulated) by a task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to="lieux/%Y/%m/", storage=import_storage)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    bassin = models.ForeignKey(
        "network.BassinPage",
        verbose_name=_("bassin des nouvelles structures"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # None for an administrator; a coordinator's bassins when they uploaded (rows elsewhere are rejected).
    allowed_bassin_ids = models.JSONField(null=True, blank=True)
    dry_run = models.BooleanField(_("simulation"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=ImportRunStatus.choices, default=ImportRunStatus.QUEUED
    )
    created = models.PositiveIntegerField(_("créées"), default=0)
    updated = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    rejected = models.PositiveIntegerField(_("lignes rejetées"), default=0)
    summary = models.TextField(_("bilan"), blank=True)
    rejected_report = models.TextField(_("lignes rejetées (détail)"), blank=True)
    warnings_report = models.TextField(_("avertissements"), blank=True)
    error = models.TextField(_("erreur"), blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import de lieux")
        verbose_name_plural = _("imports de lieux")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportRunStatus.DONE, ImportRunStatus.FAILED)

    @property
    def rejected_lines(self) -> list[str]:
        return self.rejected_report.splitlines()

    @property
    def warning_lines(self) -> list[str]:
        return self.warnings_report.splitlines()
