"""`opendata.importer.import_lieux` and `manage.py import_lieux`: creates or updates structures from a file
of the national schema, never deletes, reports rejected rows in French, writes nothing in a dry run."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from network.models import StructurePage
from opendata import lieux
from opendata.importer import import_lieux
from opendata.rows import ImportFileError
from opendata.sources import SourceError, read_source
from tests.factories import StructureFactory

HEADER = ",".join(lieux.columns())


def _csv(*rows: dict) -> str:
    lines = [HEADER]
    for row in rows:
        lines.append(",".join(f'"{row.get(name, "")}"' for name in lieux.columns()))
    return "\n".join(lines) + "\n"


def _export(structures) -> str:
    return lieux.as_csv([lieux.structure_row(structure) for structure in structures])


def _comparable(text: str) -> list[dict]:
    """Rows without `date_maj`: the import publishes, so the date becomes the day of the import."""
    from opendata.rows import read_rows

    return [{k: v for k, v in row.items() if k != "date_maj"} for _line, row in read_rows(text)]


def test_export_then_import_is_lossless(bassin, full_structure):
    other = StructureFactory(
        bassin=bassin, title="Bus numérique", commune="Mehun-sur-Yèvre", pivot="W181000999"
    )
    exported = _export(lieux.exported_structures())
    ids = {full_structure.global_id, other.global_id}
    for structure in StructurePage.objects.all():
        structure.delete()

    report = import_lieux(text=exported, bassin=bassin)

    assert (len(report.created), report.rejected) == (2, [])
    assert set(StructurePage.objects.values_list("global_id", flat=True)) == ids
    assert _comparable(_export(lieux.exported_structures())) == _comparable(exported)


def test_import_matches_own_export_and_is_idempotent(bassin, full_structure):
    exported = _export(lieux.exported_structures())
    revisions = Revision.objects.count()

    first = import_lieux(text=exported)
    second = import_lieux(text=exported)

    assert (first.created, first.updated, first.unchanged) == ([], [], ["mediatheque-vierzon"])
    assert (second.created, second.updated, second.unchanged) == ([], [], ["mediatheque-vierzon"])
    assert Revision.objects.count() == revisions
    assert StructurePage.objects.count() == 1


def test_import_updates_by_national_id_then_by_pivot(bassin, full_structure):
    full_structure.schema_id = "mednum-42"
    full_structure.save_revision().publish()
    report = import_lieux(
        text=_csv(
            {
                "id": "mednum-42",
                "pivot": "W181000123",
                "nom": "Médiathèque Paul-Éluard",
                "commune": "Vierzon",
            },
        )
    )
    assert report.updated == ["mediatheque-vierzon"]
    structure = StructurePage.objects.get(pk=full_structure.pk)
    assert structure.title == "Médiathèque Paul-Éluard"

    report = import_lieux(text=_csv({"pivot": "W181000123", "nom": "Médiathèque", "commune": "Vierzon"}))
    assert report.updated == ["mediatheque-vierzon"]
    assert StructurePage.objects.get(pk=full_structure.pk).title == "Médiathèque"


def test_import_never_deletes_structures_missing_from_the_file(bassin, full_structure):
    report = import_lieux(
        text=_csv(
            {
                "id": "nouveau-1",
                "nom": "EPN de Graçay",
                "commune": "Graçay",
                "latitude": "47.14",
                "longitude": "1.85",
            }
        )
    )
    assert report.created == ["epn-de-gracay"]
    assert sorted(StructurePage.objects.values_list("slug", flat=True)) == [
        "epn-de-gracay",
        "mediatheque-vierzon",
    ]
    created = StructurePage.objects.get(slug="epn-de-gracay")
    assert (created.schema_id, created.bassin_id, created.live) == ("nouveau-1", bassin.pk, True)


def test_rejected_rows_are_reported_in_french_and_others_imported(bassin):
    report = import_lieux(
        text=_csv(
            {"id": "a", "nom": "", "commune": "Vierzon"},
            {"id": "b", "nom": "Lieu B", "commune": "Vierzon", "code_postal": "ABC"},
            {"id": "c", "nom": "Lieu C", "commune": "Vierzon", "latitude": "nord"},
            {"id": "d", "nom": "Lieu D", "commune": "Vierzon"},
            {"id": "d", "nom": "Lieu D bis", "commune": "Vierzon"},
        ),
        bassin=bassin,
    )
    assert [str(problem) for problem in report.rejected] == [
        "Ligne 2 (a) : le nom du lieu (colonne nom) est vide.",
        "Ligne 3 (b) : code_postal : Le code postal compte 5 chiffres (ex. : 18000).",
        "Ligne 4 (c) : « nord » n'est pas un nombre.",
        "Ligne 6 (d) : identifiant en double dans le fichier.",
    ]
    assert report.created == ["lieu-d"]


def test_row_without_bassin_is_rejected(db):
    report = import_lieux(text=_csv({"id": "x", "nom": "Lieu X", "commune": "Inconnue-sur-Mer"}))
    assert [problem.reason for problem in report.rejected] == [
        "aucun bassin de vie trouvé pour ce lieu (ni coordonnées ni commune connue) : choisissez un bassin."
    ]


def test_nearest_bassin_is_chosen_by_coordinates(bassin):
    from tests.factories import BassinFactory

    far = BassinFactory(title="Chartres", slug="chartres", latitude=48.44, longitude=1.49)
    report = import_lieux(
        text=_csv({"id": "y", "nom": "Lieu Y", "commune": "Lucé", "latitude": "48.43", "longitude": "1.46"})
    )
    assert report.created == ["lieu-y"]
    assert StructurePage.objects.get(slug="lieu-y").bassin_id == far.pk


def test_dry_run_writes_nothing(bassin, full_structure):
    revisions = Revision.objects.count()
    report = import_lieux(
        text=_csv(
            {"id": str(full_structure.global_id), "nom": "Nouveau nom", "commune": "Vierzon"},
            {"id": "n", "nom": "Nouveau lieu", "commune": "Vierzon"},
        ),
        bassin=bassin,
        dry_run=True,
    )
    assert (report.created, report.updated) == (["nouveau-lieu"], ["mediatheque-vierzon"])
    assert report.summary().startswith("Simulation, rien n'a été enregistré")
    assert StructurePage.objects.count() == 1
    assert StructurePage.objects.get().title == "Médiathèque de Vierzon"
    assert Revision.objects.count() == revisions


def test_the_standard_example_file_imports(bassin):
    report = import_lieux(text=lieux.EXAMPLE_PATH.read_text(encoding="utf-8"), bassin=bassin)
    assert (report.created, report.rejected) == (["anonymal"], [])
    structure = StructurePage.objects.get(slug="anonymal")
    assert structure.schema_id == "structure-1"
    assert structure.pivot == "43493312300029"
    assert structure.telephone == ["+33180059880"]
    assert structure.typologie == ["ASSO", "TIERS_LIEUX"]
    assert structure.courriels == ["contact@laquincaillerie.tl", "responsable@laquincaillerie.tl"]
    assert structure.frais_a_charge == ["Gratuit"]
    assert structure.modalites_acces == ["Se présenter", "Téléphoner"]
    assert structure.itinerance == ["Itinérant"]
    assert structure.dispositif_programmes_nationaux == [
        "Aidants Connect",
        "Conseillers numériques",
        "La Croix Rouge",
    ]
    assert [problem.reason for problem in report.warnings] == [
        "valeur ignorée dans prise_en_charge_specifique : Illetrisme",
        "valeur ignorée dans formations_labels : SUD LABS",
    ]


def test_unreadable_file_is_refused(db):
    with pytest.raises(ImportFileError):
        import_lieux(text="")
    with pytest.raises(ImportFileError):
        import_lieux(text="a,b\n1,2\n")


def test_command_imports_a_file_and_reports(bassin, tmp_path, capsys):
    path = tmp_path / "lieux.csv"
    path.write_text(_csv({"id": "z", "nom": "Lieu Z", "commune": "Vierzon"}, {"id": "w", "nom": ""}))
    call_command("import_lieux", str(path), "--bassin", "vierzon", "--dry-run")
    assert StructurePage.objects.count() == 0
    call_command("import_lieux", str(path), "--bassin", "vierzon")
    out, err = capsys.readouterr()
    assert "1 structure créée, 0 mise à jour, 0 inchangée, 1 ligne rejetée." in out
    assert "Rejetée — Ligne 3 (w) : le nom du lieu (colonne nom) est vide." in err
    assert list(StructurePage.objects.values_list("slug", flat=True)) == ["lieu-z"]


def test_command_refuses_unknown_bassin_and_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Bassin de vie inconnu"):
        call_command("import_lieux", str(tmp_path / "x.csv"), "--bassin", "nulle-part")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_lieux", str(tmp_path / "x.csv"))


def test_url_goes_through_the_ssrf_guard(db):
    """A URL to the loopback is refused before any connection (calendars.netguard)."""
    with pytest.raises(SourceError):
        read_source("http://127.0.0.1:9/lieux.csv")


def test_reimporting_the_example_file_changes_nothing(bassin):
    """Its lists are in another order than the one stored (TIERS_LIEUX,ASSO): still unchanged."""
    text = lieux.EXAMPLE_PATH.read_text(encoding="utf-8")
    import_lieux(text=text, bassin=bassin)
    revisions = Revision.objects.count()
    report = import_lieux(text=text, bassin=bassin)
    assert (report.created, report.updated, report.unchanged) == ([], [], ["anonymal"])
    assert Revision.objects.count() == revisions
