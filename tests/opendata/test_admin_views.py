"""`opendata.admin_views`: the admin upload of a schema file, for administrators and coordinators, run as a
task (called eagerly here, when the upload's transaction commits) and followed on the run's page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from network.models import StructurePage
from opendata.models import ImportRun, ImportRunStatus, ImportRunStep
from outbox.models import Message
from tests.factories import BassinFactory, StructureFactory, UserFactory

URL = "/admin/import-lieux/"
RUNS_URL = "/admin/import-lieux/imports/"
CSV = "id,pivot,nom,commune,latitude,longitude\nx-1,,Lieu un,Vierzon,47.22,2.07\nx-2,,,Vierzon,,\n"


@pytest.fixture(autouse=True)
def eager_imports(settings):
    """Tasks run in-process, as soon as the upload's transaction commits."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    def post(data=CSV, name="lieux.csv", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {"file": SimpleUploadedFile(name, data.encode()), **fields})
        return response

    return post


def test_superuser_simulates_then_imports_and_is_emailed_once(client, bassin, upload):
    admin = UserFactory(is_superuser=True, is_staff=True, email="admin@example.fr")
    client.force_login(admin)

    simulated = upload(dry_run="on")
    simulation = ImportRun.objects.get()
    html = client.get(simulated["Location"]).content.decode()
    structures_after_simulation = StructurePage.objects.count()
    upload()

    run = ImportRun.objects.exclude(pk=simulation.pk).get()
    assert simulated["Location"] == reverse("opendata_admin:run", args=[simulation.pk])
    assert "Simulation, rien n&#x27;a été enregistré" in html
    assert "Ligne 3 (x-2) : le nom du lieu (colonne nom) est vide." in html
    assert 'http-equiv="refresh"' not in html
    assert structures_after_simulation == 0
    assert list(StructurePage.objects.values_list("title", "bassin_id")) == [("Lieu un", bassin.pk)]
    assert (run.status, run.user, run.file_name, run.dry_run, run.bassin) == (
        ImportRunStatus.DONE,
        admin,
        "lieux.csv",
        False,
        None,
    )
    assert (run.created, run.updated, run.unchanged, run.rejected) == (1, 0, 0, 1)
    assert run.rejected_report == "Ligne 3 (x-2) : le nom du lieu (colonne nom) est vide."
    assert list(Message.objects.values_list("key", "email")) == [(f"import-run:{run.pk}", "admin@example.fr")]
    assert Message.objects.get().subject == "L'import de « lieux.csv » est terminé"


def test_the_same_file_imported_twice_changes_nothing_the_second_time(client, bassin, upload):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    upload()
    upload()

    first, second = ImportRun.objects.order_by("pk")
    assert [(run.created, run.unchanged, run.rejected) for run in (first, second)] == [(1, 0, 1), (0, 1, 1)]
    assert StructurePage.objects.count() == 1


def test_coordinator_imports_into_own_bassin_only(client, bassin, full_structure, upload):
    other_bassin = BassinFactory(title="Chartres", slug="chartres")
    elsewhere = StructureFactory(bassin=other_bassin, title="Ailleurs", schema_id="ailleurs-1")
    user = UserFactory()
    domain.add_coordinator(bassin=bassin, user=user)
    client.force_login(user)
    data = "id,nom,commune\nailleurs-1,Renommé,Chartres\nnouveau-1,Nouveau,Vierzon\n"
    refused = upload(data=data, bassin=other_bassin.pk)
    assert (refused.status_code, ImportRun.objects.count()) == (200, 0)  # not a choice: the form is refused

    response = upload(data=data, bassin=bassin.pk)

    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "ce lieu existe dans un bassin que vous ne coordonnez pas." in page
    assert (run.allowed_bassin_ids, run.bassin_id) == ([bassin.pk], bassin.pk)
    assert StructurePage.objects.get(pk=elsewhere.pk).title == "Ailleurs"
    assert StructurePage.objects.get(schema_id="nouveau-1").bassin_id == bassin.pk


def test_a_coordinator_sees_only_their_own_runs(client, bassin, upload):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    upload(name="national.csv")
    coordinator = UserFactory()
    domain.add_coordinator(bassin=bassin, user=coordinator)
    client.force_login(coordinator)
    upload(name="vierzon.csv", bassin=bassin.pk)
    national, own = ImportRun.objects.order_by("pk")

    listing = client.get(RUNS_URL).content.decode()
    other = client.get(reverse("opendata_admin:run", args=[national.pk]))
    client.force_login(admin)
    everything = client.get(RUNS_URL).content.decode()

    def shown(page, run):
        return f'data-run="{run.pk}"' in page

    assert (shown(listing, own), shown(listing, national), other.status_code) == (True, False, 404)
    assert (shown(everything, own), shown(everything, national)) == (True, True)


def test_a_run_not_finished_refreshes_its_pages(client, bassin):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.post(URL, {"file": SimpleUploadedFile("lieux.csv", CSV.encode())})  # its task is not run
    run = ImportRun.objects.get()

    pages = [
        client.get(url).content.decode() for url in (RUNS_URL, reverse("opendata_admin:run", args=[run.pk]))
    ]

    assert run.status == ImportRunStatus.QUEUED
    assert ['<meta http-equiv="refresh" content="5">' in page for page in pages] == [True, True]
    assert "cette page se met à jour toute seule." in pages[1]


def test_a_running_import_shows_how_far_it_is(client, bassin):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.post(URL, {"file": SimpleUploadedFile("lieux.csv", CSV.encode())})  # its task is not run
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRunStatus.RUNNING, step=ImportRunStep.WRITING, rows_done=1400, rows_total=20000
    )

    pages = [
        client.get(url).content.decode() for url in (RUNS_URL, reverse("opendata_admin:run", args=[run.pk]))
    ]

    label = "Enregistrement des lieux : 1\N{NO-BREAK SPACE}400 lignes sur 20\N{NO-BREAK SPACE}000"
    assert [label in page for page in pages] == [True, True]
    assert '<progress max="20000" value="1400" aria-label="Progression de l\'import">' in pages[1]


def test_a_file_over_the_size_bound_is_refused(client, bassin, upload, settings):
    settings.MAILLAGE_OPENDATA_IMPORT_MAX_BYTES = 10
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = upload()

    assert "Le fichier est trop gros : découpez-le." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_editor_cannot_import_nor_see_the_runs(client, full_structure):
    user = UserFactory()
    domain.add_member(structure=full_structure, user=user, role=MemberRole.EDITOR)
    client.force_login(user)
    responses = [client.get(url) for url in (URL, RUNS_URL)]
    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/admin/")] * 2
