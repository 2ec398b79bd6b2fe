"""A run of the national places import started from the admin (`ImportRun`), recorded from upload to end.

A national file (20,000 places) takes far longer than a web request may: the admin stores the uploaded file
and a run row, and a Celery task imports it (`opendata.runs`). The row is what the person who uploaded
follows: its status, counts and French report, or the error that stopped it. A run is never left looking
alive when it is not: a run that raised is marked failed by the task, one whose worker died is marked failed
when its task comes back (`acks_late`) or, if the task itself was lost, once it has given no sign of life
for some minutes (`ImportRunQuerySet.stalled`, marked failed by a periodic task:
`opendata.runs.fail_stalled_runs`).
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def import_storage():
    """Uploaded files are kept out of the public media: `STORAGES["imports"]` (a folder of `VAR_DIR`)."""
    return storages["imports"]


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("échoué")


class ImportRunStep(models.TextChoices):
    """Where a running import is, for its page: reading every row, then writing the valid ones."""

    READING = "reading", _("lecture du fichier")
    WRITING = "writing", _("enregistrement des lieux")


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators see every run; a coordinator sees the runs they started."""
        if user.is_superuser:
            return self
        return self.filter(user=user)

    def unfinished(self):
        return self.filter(status__in=[ImportRunStatus.QUEUED, ImportRunStatus.RUNNING])

    def stalled(self, *, now):
        """The runs that can no longer end by themselves at `now`: running without a sign of life
        (`heartbeat_at`, else `started_at`) for `MAILLAGE_OPENDATA_HEARTBEAT_TIMEOUT_MINUTES` (their worker
        died and the task did not come back), or for longer than the task's hard time limit; or queued for
        longer than
        `MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS` (the broker lost the task).

        Why a heartbeat: an import writes a sign of life after every batch, seconds apart; without it, a run
        whose worker died was only noticed once the hard time limit (two hours) had passed."""
        running_limit = now - timedelta(seconds=settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT + 60)
        silent_limit = now - timedelta(minutes=settings.MAILLAGE_OPENDATA_HEARTBEAT_TIMEOUT_MINUTES)
        queued_limit = now - timedelta(hours=settings.MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS)
        last_sign = Coalesce("heartbeat_at", "started_at")
        return self.alias(last_sign=last_sign).filter(
            Q(status=ImportRunStatus.RUNNING, started_at__lt=running_limit)
            | Q(status=ImportRunStatus.RUNNING, last_sign__lt=silent_limit)
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
    # Written by the running task after each batch (`opendata.runs.run_import`): what its page shows, and
    # how a run whose worker died is told apart from a long one (`ImportRunQuerySet.stalled`).
    step = models.CharField(_("étape"), max_length=10, choices=ImportRunStep.choices, blank=True)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    rows_total = models.PositiveIntegerField(_("lignes à traiter"), default=0)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)

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
    def progress_label(self) -> str:
        """« Lecture du fichier : 1 400 lignes sur 20 000 », for the pages of a running import."""
        if not self.step:
            return ""
        done, total = (
            number_format(value, force_grouping=True) for value in (self.rows_done, self.rows_total)
        )
        counted = ngettext("%(done)s ligne sur %(total)s", "%(done)s lignes sur %(total)s", self.rows_done)
        return f"{self.get_step_display().capitalize()} : {counted % {'done': done, 'total': total}}"

    @property
    def rejected_lines(self) -> list[str]:
        return self.rejected_report.splitlines()

    @property
    def warning_lines(self) -> list[str]:
        return self.warnings_report.splitlines()
