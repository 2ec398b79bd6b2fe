"""`opendata.runs`: an import started from the admin ends done or failed, never silently lost, and says so."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from network.models import StructurePage
from opendata import runs
from opendata.models import INTERRUPTED, ImportRun, ImportRunStatus
from opendata.runs import run_import, start_import
from opendata.tasks import fail_stalled_imports, run_import_task
from outbox.models import Message
from tests.factories import UserFactory
from tests.outbox.factories import sent_emails

CSV = "id,nom,commune,latitude,longitude\nx-1,Lieu un,Vierzon,47.22,2.07\n"


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True, email="admin@example.fr")


def _start(user, data=CSV, **fields) -> ImportRun:
    return start_import(user=user, upload=SimpleUploadedFile("lieux.csv", data.encode()), **fields)


def test_a_run_keeps_its_file_and_imports_it_in_its_task(admin, bassin):
    run = _start(admin)
    stored = run.file.name

    status = run_import_task.run(run_id=run.pk)

    run.refresh_from_db()
    assert (status, run.status, run.created, run.summary) == (
        "done",
        ImportRunStatus.DONE,
        1,
        "1 structure créée, 0 mise à jour, 0 inchangée, 0 ligne rejetée.",
    )
    assert stored.startswith("lieux/") and run.file.storage.exists(stored)
    assert run.started_at <= run.finished_at
    assert StructurePage.objects.get().title == "Lieu un"


def test_an_unreadable_file_fails_with_its_french_reason(admin, bassin):
    run = _start(admin, data="pas,un,fichier\n1,2,3\n")

    run_import(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (
        ImportRunStatus.FAILED,
        "La première ligne du fichier doit nommer les colonnes du schéma national (id, pivot, nom…).",
    )
    assert Message.objects.get().subject == "L'import de « lieux.csv » a échoué"


def test_an_unexpected_error_marks_the_run_failed(admin, bassin, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(runs, "import_lieux", crash)
    run = _start(admin)

    run_import(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (
        ImportRunStatus.FAILED,
        "L'import s'est arrêté sur une erreur inattendue (RuntimeError). Ce qui a été enregistré avant "
        "l'arrêt est gardé ; importez de nouveau le même fichier.",
    )


def test_a_run_whose_worker_died_is_marked_failed_when_its_task_comes_back(admin, bassin):
    run = _start(admin)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRunStatus.RUNNING, started_at=timezone.now())

    run_import(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (ImportRunStatus.FAILED, str(INTERRUPTED))
    assert StructurePage.objects.count() == 0
    assert Message.objects.count() == 1


def test_a_finished_run_is_not_run_again(admin, bassin):
    run = _start(admin)
    run_import(run_id=run.pk)

    again = run_import(run_id=run.pk)

    assert (again.status, again.created, StructurePage.objects.count(), Message.objects.count()) == (
        ImportRunStatus.DONE,
        1,
        1,
        1,
    )


def _stall(run: ImportRun, *, running_for=None, queued_for=None) -> None:
    now = timezone.now()
    if running_for is not None:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRunStatus.RUNNING, started_at=now - running_for
        )
    if queued_for is not None:
        ImportRun.objects.filter(pk=run.pk).update(created_at=now - queued_for)


def test_runs_that_can_no_longer_end_are_marked_failed(admin, settings):
    settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT = 600
    settings.MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS = 24
    lost_worker, lost_task, running, queued = (_start(admin) for _index in range(4))
    _stall(lost_worker, running_for=timedelta(minutes=20))
    _stall(running, running_for=timedelta(minutes=5))
    _stall(lost_task, queued_for=timedelta(days=2))

    count = runs.fail_stalled_runs()

    assert count == 2
    assert dict(ImportRun.objects.values_list("pk", "status")) == {
        lost_worker.pk: ImportRunStatus.FAILED,
        lost_task.pk: ImportRunStatus.FAILED,
        running.pk: ImportRunStatus.RUNNING,
        queued.pk: ImportRunStatus.QUEUED,
    }


def test_a_running_import_that_stops_giving_signs_of_life_is_stalled_long_before_its_time_limit(
    admin, settings
):
    """Its worker died half-way: the check need not wait for the task's hard time limit (two hours)."""
    settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT = 7200
    settings.MAILLAGE_OPENDATA_HEARTBEAT_TIMEOUT_MINUTES = 15
    silent, alive = _start(admin), _start(admin)
    now = timezone.now()
    for run, last_sign in ((silent, timedelta(minutes=20)), (alive, timedelta(minutes=1))):
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRunStatus.RUNNING,
            started_at=now - timedelta(minutes=40),
            heartbeat_at=now - last_sign,
        )

    count = runs.fail_stalled_runs()

    assert count == 1
    assert dict(ImportRun.objects.values_list("pk", "status")) == {
        silent.pk: ImportRunStatus.FAILED,
        alive.pk: ImportRunStatus.RUNNING,
    }
    assert ImportRun.objects.get(pk=silent.pk).error == str(INTERRUPTED)


def test_a_run_records_its_progress_batch_by_batch(admin, bassin, monkeypatch):
    rows = "".join(f"x-{number},Lieu {number},Vierzon,47.22,2.07\n" for number in range(5))
    run = _start(admin, data="id,nom,commune,latitude,longitude\n" + rows)
    monkeypatch.setattr("opendata.importer.BATCH_SIZE", 2)
    seen = []
    record = runs._record_progress

    def spy(run_id, step, done, total):
        record(run_id, step, done, total)
        stored = ImportRun.objects.get(pk=run_id)
        seen.append((stored.step, stored.rows_done, stored.rows_total, stored.heartbeat_at is not None))

    monkeypatch.setattr(runs, "_record_progress", spy)

    run_import(run_id=run.pk)

    assert seen == [
        ("reading", 0, 5, True),
        ("reading", 2, 5, True),
        ("reading", 4, 5, True),
        ("writing", 0, 5, True),
        ("writing", 2, 5, True),
        ("writing", 4, 5, True),
        ("writing", 5, 5, True),
    ]
    run.refresh_from_db()
    assert (run.status, run.created, run.step, run.rows_done, run.rows_total) == (
        ImportRunStatus.DONE,
        5,
        "writing",
        5,
        5,
    )


def test_a_file_of_known_places_ends_its_progress_on_every_row(admin, bassin, monkeypatch):
    rows = "".join(f"x-{number},Lieu {number},Vierzon,47.22,2.07\n" for number in range(5))
    data = "id,nom,commune,latitude,longitude\n" + rows
    run_import(run_id=_start(admin, data=data).pk)  # the five places now exist
    again = _start(admin, data=data.replace("Lieu 3,", "Lieu trois,"))
    monkeypatch.setattr("opendata.importer.BATCH_SIZE", 2)
    seen = []
    record = runs._record_progress
    monkeypatch.setattr(
        runs, "_record_progress", lambda run_id, *progress: seen.append(progress) or record(run_id, *progress)
    )

    run_import(run_id=again.pk)

    assert seen[3:] == [("writing", 0, 5), ("writing", 2, 5), ("writing", 4, 5), ("writing", 5, 5)]
    again.refresh_from_db()
    assert (again.updated, again.unchanged, again.rows_done, again.rows_total) == (1, 4, 5, 5)


def test_a_run_taken_for_stalled_is_not_brought_back_by_its_progress(admin):
    run = _start(admin)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRunStatus.FAILED)

    runs._record_progress(run.pk, "writing", 10, 20)

    assert ImportRun.objects.values_list("status", "rows_done").get(pk=run.pk) == (ImportRunStatus.FAILED, 0)


def test_a_stalled_run_says_why_in_french_and_its_author_is_told_once(admin, settings):
    settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT = 600
    lost_worker, lost_task = _start(admin), _start(admin)
    _stall(lost_worker, running_for=timedelta(hours=1))
    _stall(lost_task, queued_for=timedelta(days=2))

    first, second = runs.fail_stalled_runs(), runs.fail_stalled_runs()

    assert (first, second) == (2, 0)
    assert dict(ImportRun.objects.values_list("pk", "error")) == {
        lost_worker.pk: str(INTERRUPTED),
        lost_task.pk: "L'import n'a jamais commencé : sa tâche s'est perdue (serveur de tâches arrêté ou "
        "file vidée). Rien n'a été importé : envoyez de nouveau le même fichier.",
    }
    emails = sorted(sent_emails(), key=lambda email: email.body)
    assert [(email.to, email.subject) for email in emails] == [
        (["admin@example.fr"], "L'import de « lieux.csv » a échoué"),
        (["admin@example.fr"], "L'import de « lieux.csv » a échoué"),
    ]
    assert "L'import a été interrompu" in emails[0].body
    assert "L'import n'a jamais commencé" in emails[1].body
    assert f"/admin/import-lieux/imports/{lost_worker.pk}/" in emails[0].body


def test_a_stalled_run_already_ended_by_its_task_is_left_as_it_ended(admin, settings):
    """The check read the run as stalled, then its task ended it: the conditional UPDATE claims nothing."""
    settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT = 600
    run = _start(admin)
    _stall(run, running_for=timedelta(hours=1))
    stale = ImportRun.objects.get(pk=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRunStatus.DONE)

    assert runs._fail_stalled(stale, "raison", now=timezone.now()) is False
    assert (ImportRun.objects.get(pk=run.pk).status, Message.objects.count()) == (ImportRunStatus.DONE, 0)


def test_a_stalled_simulation_is_failed_without_an_email(admin, settings):
    run = _start(admin, dry_run=True)
    _stall(run, queued_for=timedelta(days=2))

    runs.fail_stalled_runs()

    assert (ImportRun.objects.get(pk=run.pk).status, Message.objects.count()) == (ImportRunStatus.FAILED, 0)


def test_the_beat_task_fails_the_stalled_runs(admin, settings):
    run = _start(admin)
    _stall(run, queued_for=timedelta(days=2))

    assert fail_stalled_imports.run() == 1
    assert ImportRun.objects.get(pk=run.pk).status == ImportRunStatus.FAILED
    assert (
        settings.CELERY_BEAT_SCHEDULE["fail-stalled-imports"]["task"] == "opendata.tasks.fail_stalled_imports"
    )


def test_a_simulation_sends_no_email(admin, bassin):
    run = _start(admin, dry_run=True)

    run_import(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.created, StructurePage.objects.count(), Message.objects.count()) == (
        ImportRunStatus.DONE,
        1,
        0,
        0,
    )
