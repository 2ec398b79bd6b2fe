"""`opendata.admin_views`: the admin upload of a schema file, for administrators and coordinators."""

from django.core.files.uploadedfile import SimpleUploadedFile

from network import domain
from network.enums import MemberRole
from network.models import StructurePage
from tests.factories import BassinFactory, StructureFactory, UserFactory

URL = "/admin/import-lieux/"
CSV = "id,pivot,nom,commune,latitude,longitude\nx-1,,Lieu un,Vierzon,47.22,2.07\nx-2,,,Vierzon,,\n"


def _upload(client, data=CSV, **fields):
    return client.post(URL, {"file": SimpleUploadedFile("lieux.csv", data.encode()), **fields})


def test_superuser_simulates_then_imports(client, bassin):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = _upload(client, dry_run="on")
    html = response.content.decode()
    assert "Simulation, rien n&#x27;a été enregistré" in html
    assert "Ligne 3 (x-2) : le nom du lieu (colonne nom) est vide." in html
    assert StructurePage.objects.count() == 0
    _upload(client)
    assert list(StructurePage.objects.values_list("title", "bassin_id")) == [("Lieu un", bassin.pk)]


def test_coordinator_imports_into_own_bassin_only(client, bassin, full_structure):
    other_bassin = BassinFactory(title="Chartres", slug="chartres")
    elsewhere = StructureFactory(bassin=other_bassin, title="Ailleurs", schema_id="ailleurs-1")
    user = UserFactory()
    domain.add_coordinator(bassin=bassin, user=user)
    client.force_login(user)
    data = "id,nom,commune\nailleurs-1,Renommé,Chartres\nnouveau-1,Nouveau,Vierzon\n"
    response = _upload(client, data=data, bassin=other_bassin.pk)
    assert response.status_code == 200
    assert StructurePage.objects.count() == 2  # the other bassin is not a choice: the form is refused
    response = _upload(client, data=data, bassin=bassin.pk)
    assert "ce lieu existe dans un bassin que vous ne coordonnez pas." in response.content.decode()
    assert StructurePage.objects.get(pk=elsewhere.pk).title == "Ailleurs"
    assert StructurePage.objects.get(schema_id="nouveau-1").bassin_id == bassin.pk


def test_editor_cannot_import(client, full_structure):
    user = UserFactory()
    domain.add_member(structure=full_structure, user=user, role=MemberRole.EDITOR)
    client.force_login(user)
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
