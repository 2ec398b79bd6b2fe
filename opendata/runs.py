"""Imports of places started from the admin: record the run, import in a Celery task, tell who asked.

Why a task: a national file (20,000 places) takes minutes, far beyond a web request. The upload is stored
(`ImportRun.file`, out of the public media) and the task reads it back; the row records who, when, which file
and bassin, then the status, counts and the French report of rejected rows (or the error).

What must stay true:
- a run ends `done` or `failed`, never silently lost: the task marks failed a run whose import raised
  (the time limit included); a run whose worker died comes back (`acks_late`) and is marked failed then,
  rather than started again behind the back of the person watching it; a run that can no longer end (its
  task lost, or its worker dead and the task not back: no sign of life from its batches for some minutes)
  is marked failed by a periodic task (`fail_stalled_runs`, every few minutes; the runs pages call it
  too), with its reason in French.
- running the same file again changes nothing more (the importer matches places by id): after a failure,
  importing the file again finishes the job.
- a coordinator's run stays within the bassins they coordinated when uploading (`allowed_bassin_ids`).
- the person who uploaded gets one e-mail when a real import ends, stalled ones included (`outbox`:
  exactly once, keyed by run; a stalled run is claimed by a conditional UPDATE, so that two checks at once
  tell once).
"""

import logging
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from network.permissions import coordinated_bassin_ids
from outbox.links import absolute_url
from outbox.queue import queue_email

from .importer import import_lieux
from .models import INTERRUPTED, NEVER_STARTED, ImportRun, ImportRunStatus, ImportRunStep
from .rows import ImportFileError, decode

logger = logging.getLogger(__name__)

# A report is kept whole up to this many lines (a national file may reject thousands of rows).
REPORT_MAX_LINES = 5000


@transaction.atomic
def start_import(*, user, upload, bassin=None, dry_run: bool = False) -> ImportRun:
    """Store the uploaded file and its run; the caller enqueues `opendata.tasks.run_import_task` for it
    (`delay_on_commit`), the task module importing this one."""
    allowed = None if user.is_superuser else sorted(coordinated_bassin_ids(user))
    run = ImportRun(
        user=user,
        file_name=(upload.name or "lieux.csv")[-255:],
        bassin=bassin,
        allowed_bassin_ids=allowed,
        dry_run=dry_run,
    )
    run.file.save(upload.name or "lieux.csv", upload, save=False)
    run.save()
    return run


def _lines(problems) -> str:
    lines = [str(problem) for problem in problems[:REPORT_MAX_LINES]]
    if len(problems) > REPORT_MAX_LINES:
        more = len(problems) - REPORT_MAX_LINES
        lines.append(
            ngettext("… et %(count)s autre ligne.", "… et %(count)s autres lignes.", more) % {"count": more}
        )
    return "\n".join(lines)


def run_import(*, run_id: int) -> ImportRun | None:
    """Import the run's file now (in the task); returns the run as it ended, None if it does not exist.

    Not atomic as a whole on purpose: the importer commits batch by batch, so that a national import that
    stops half-way keeps what it wrote (the next import of the file goes on from there).
    """
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return run
        if run.status == ImportRunStatus.RUNNING:
            # Its task comes back after its worker died (acks_late): say so rather than start again.
            _fail(run, str(INTERRUPTED))
            return run
        run.status, run.started_at = ImportRunStatus.RUNNING, timezone.now()
        run.heartbeat_at, run.step = run.started_at, ImportRunStep.READING
        run.save(update_fields=["status", "started_at", "heartbeat_at", "step"])
    try:
        with run.file.open("rb") as handle:
            text = decode(handle.read())
        report = import_lieux(
            text=text,
            bassin=run.bassin,
            dry_run=run.dry_run,
            user=run.user,
            allowed_bassin_ids=None if run.allowed_bassin_ids is None else set(run.allowed_bassin_ids),
            progress=partial(_record_progress, run.pk),
        )
    except ImportFileError as error:
        _fail(run, str(error))
        return run
    except Exception as error:  # the run must show it failed, whatever stopped it (time limit included)
        logger.exception("Import run %s failed", run.pk)
        _fail(
            run,
            _("L'import s'est arrêté sur une erreur inattendue (%(error)s). %(advice)s")
            % {"error": error.__class__.__name__, "advice": _RERUN_ADVICE},
        )
        return run
    # `error` cleared: a run taken for stalled (`fail_stalled`) that still ends is done after all.
    run.status, run.finished_at, run.error = ImportRunStatus.DONE, timezone.now(), ""
    run.created, run.updated = len(report.created), len(report.updated)
    run.unchanged, run.rejected = len(report.unchanged), len(report.rejected)
    run.summary = report.summary()
    run.rejected_report = _lines(report.rejected)
    run.warnings_report = _lines(report.warnings)
    with transaction.atomic():
        # Not the progress fields: the importer wrote them meanwhile (`_record_progress`), this object
        # still holds those of the start.
        run.save(update_fields=[*RESULT_FIELDS, "status", "finished_at", "error"])
        _queue_done_email(run)
    return run


def _record_progress(run_id: int, step: str, done: int, total: int) -> None:
    """The run's progress and sign of life, written at once (the importer commits batch by batch, outside
    any transaction of ours). Only while it runs: a run already taken for stalled stays failed."""
    ImportRun.objects.filter(pk=run_id, status=ImportRunStatus.RUNNING).update(
        step=step, rows_done=done, rows_total=total, heartbeat_at=timezone.now()
    )


RESULT_FIELDS = [
    "created",
    "updated",
    "unchanged",
    "rejected",
    "summary",
    "rejected_report",
    "warnings_report",
]

_RERUN_ADVICE = gettext_lazy(
    "Ce qui a été enregistré avant l'arrêt est gardé ; importez de nouveau le même fichier."
)


def _fail(run: ImportRun, error: str) -> None:
    run.status, run.finished_at, run.error = ImportRunStatus.FAILED, timezone.now(), error
    with transaction.atomic():
        run.save(update_fields=["status", "finished_at", "error"])
        _queue_done_email(run)


def fail_stalled_runs(*, runs=None, now=None) -> int:
    """Mark failed the runs (of `runs`, else all) that can no longer end by themselves
    (`ImportRunQuerySet.stalled`), each with its reason, and tell whoever started it; returns how many.

    Why a periodic task calls it: a worker that dies in the middle of a national import, or a broker that
    loses the task, leaves the run « en cours » or « en attente » with nobody to end it; before, it was only
    noticed when someone opened the runs pages, and nobody was told.
    """
    now = now or timezone.now()
    runs = ImportRun.objects.all() if runs is None else runs
    failed = 0
    for run in runs.stalled(now=now).select_related("user"):
        reason = INTERRUPTED if run.status == ImportRunStatus.RUNNING else NEVER_STARTED
        if _fail_stalled(run, str(reason), now=now):
            failed += 1
    if failed:
        logger.warning("%s stalled import run(s) marked failed", failed)
    return failed


@transaction.atomic
def _fail_stalled(run: ImportRun, error: str, *, now) -> bool:
    """Claim `run` as it was read (a conditional UPDATE: a check running at the same time, or the run's own
    task ending meanwhile, leaves it alone), then queue its e-mail; False when it was no longer stalled."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=run.status).update(
        status=ImportRunStatus.FAILED, finished_at=now, error=error
    )
    if not claimed:
        return False
    run.status, run.finished_at, run.error = ImportRunStatus.FAILED, now, error
    _queue_done_email(run)
    return True


def _queue_done_email(run: ImportRun) -> None:
    """One e-mail to the person who uploaded, when a real import ends (a simulation is watched on screen)."""
    if run.dry_run or run.user is None:
        return
    queue_email(
        key=f"import-run:{run.pk}",
        reason="import_lieux",
        to=run.user.email,
        user=run.user,
        template="opendata/emails/import_done",
        context={
            "run": run,
            "failed": run.status == ImportRunStatus.FAILED,
            "link": absolute_url(reverse("opendata_admin:run", args=[run.pk])),
        },
        topic=f"import-run:{run.pk}",
    )
