"""`opendata.ateliers` and the `/donnees/` page: public ateliers and sessions as open data."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import Kind, Visibility
from opendata.ateliers import ATELIER_COLUMNS, SESSION_COLUMNS
from tests.factories import AtelierFactory, BassinFactory, StructureFactory


def test_public_ateliers_only_with_national_themes(client, full_structure):
    public = AtelierFactory(
        structure=full_structure, title="Tablette", themes=["Aide aux démarches administratives"]
    )
    AtelierFactory(structure=full_structure, title="Entre pros", visibility=Visibility.PROFESSIONALS)
    AtelierFactory(structure=full_structure, title="Réunion", kind=Kind.RESEAU)
    AtelierFactory(structure=StructureFactory(bassin=full_structure.bassin, publish=False), title="Brouillon")

    records = client.get("/donnees/ateliers.json").json()

    assert [record["titre"] for record in records] == ["Tablette"]
    record = records[0]
    assert list(record) == ATELIER_COLUMNS
    assert record["id"] == public.uid
    assert record["structure_id"] == str(full_structure.global_id)
    assert record["themes"] == "Aide aux démarches administratives"
    assert record["commune"] == "Vierzon"


def test_sessions_csv_has_upcoming_public_sessions(client, full_structure):
    atelier = AtelierFactory(structure=full_structure, title="Tablette", rrule="FREQ=WEEKLY;COUNT=3")
    AtelierFactory(structure=full_structure, title="Entre pros", visibility=Visibility.PROFESSIONALS)
    response = client.get("/donnees/seances.csv")
    assert response["Content-Disposition"].endswith('_maillage_seances_centre-val-de-loire.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == SESSION_COLUMNS
    assert [row["atelier_id"] for row in rows] == [atelier.uid] * 3


def test_bassin_files_hold_that_bassin_only(client, full_structure):
    AtelierFactory(structure=full_structure, title="Ici")
    AtelierFactory(structure=StructureFactory(), title="Ailleurs")
    assert [r["titre"] for r in client.get("/donnees/bassins/vierzon/ateliers.json").json()] == ["Ici"]
    assert client.get("/donnees/inconnu.csv").status_code == 404
    assert client.get("/donnees/ateliers.pdf").status_code == 404


def test_atelier_exports_query_count_does_not_grow(client, full_structure):
    AtelierFactory(structure=full_structure)
    with CaptureQueriesContext(connection) as small:
        client.get("/donnees/ateliers.csv")
        client.get("/donnees/seances.csv")
    for _index in range(5):
        AtelierFactory(structure=StructureFactory(bassin=full_structure.bassin), rrule="FREQ=WEEKLY;COUNT=2")
    with CaptureQueriesContext(connection) as large:
        client.get("/donnees/ateliers.csv")
        response = client.get("/donnees/seances.csv")
    assert response.content.decode().count("\r\n") == 1 + 1 + 10
    assert len(large) == len(small)


def test_donnees_page_lists_licence_and_a_link_per_bassin_and_format(client, full_structure):
    BassinFactory(title="Chartres", slug="chartres")
    response = client.get("/donnees/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Licence Ouverte 2.0" in html
    for href in (
        "/donnees/lieux.csv",
        "/donnees/lieux.json",
        "/donnees/bassins/vierzon/lieux.csv",
        "/donnees/bassins/chartres/lieux.json",
        "/donnees/bassins/chartres/ateliers.csv",
        "/donnees/bassins/vierzon/seances.json",
    ):
        assert f'href="{href}"' in html
    assert "Dernière mise à jour" in html
