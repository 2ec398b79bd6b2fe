"""Coverage figures of a cycle on a small hand-built territory, and its CSV export.

The territory: three bassins (Bourges, Vierzon, Aubigny) with four structures in four communes; the cycle
runs seven days with a target of 3 sessions per bassin. Contributions are given their state directly: the
figures read states, and the workflow that leads to them is tested in test_domain.py.
"""

import csv
import io
from datetime import time, timedelta

import pytest

from events.enums import AtelierPublic, Theme
from programmes.coverage import BYTE_ORDER_MARK, compute_coverage, csv_header, csv_rows, write_csv
from programmes.enums import ContributionState
from programmes.models import ContributionScore
from tests.factories import BassinFactory, StructureFactory, UserFactory

from .factories import ContributionFactory, CycleFactory

pytestmark = pytest.mark.django_db
S = ContributionState


@pytest.fixture
def territory():
    bourges = BassinFactory(title="Bassin de Bourges", slug="bourges", latitude=47.08, longitude=2.4)
    vierzon = BassinFactory(title="Bassin de Vierzon", slug="vierzon", latitude=47.22, longitude=2.07)
    aubigny = BassinFactory(title="Bassin d'Aubigny", slug="aubigny", latitude=47.49, longitude=2.44)
    return {
        "bourges": bourges,
        "vierzon": vierzon,
        "aubigny": aubigny,
        "mediatheque": StructureFactory(
            bassin=bourges, title="Médiathèque", commune="Bourges", latitude=47.08, longitude=2.40
        ),
        "epn": StructureFactory(
            bassin=bourges, title="EPN", commune="Saint-Doulchard", latitude=47.10, longitude=2.34
        ),
        "epn_bis": StructureFactory(
            bassin=bourges, title="EPN bis", commune="saint-doulchard ", latitude=47.12, longitude=2.36
        ),
        "pij": StructureFactory(
            bassin=vierzon, title="PIJ", commune="Vierzon", latitude=47.22, longitude=2.07
        ),
        "centre": StructureFactory(
            bassin=aubigny, title="Centre social", commune="Aubigny-sur-Nère", latitude=None, longitude=None
        ),
    }


@pytest.fixture
def cycle(territory):
    return CycleFactory(bassins=[territory["bourges"], territory["vierzon"], territory["aubigny"]])


def day(cycle, n):
    return cycle.start_date + timedelta(days=n)


@pytest.fixture
def contributions(cycle, territory):
    """Three active contributions (4 sessions), one declined, one withdrawn, one draft."""

    def make(structure, state, days, **fields):
        return ContributionFactory(
            cycle=cycle,
            structure=territory[structure],
            state=state,
            dates=[day(cycle, n).isoformat() for n in days],
            **fields,
        )

    return {
        "tablette": make(
            "mediatheque",
            S.ACCEPTED,
            [1, 2],
            title="Tablette",
            publics=[AtelierPublic.SENIORS],
            themes=[Theme.OUTILS_QUOTIDIEN],
        ),
        "arnaques": make(
            "mediatheque",
            S.SUBMITTED,
            [2],
            title="Arnaques",
            at_host=False,
            place_name="Salle des fêtes",
            address="1 place de la Mairie",
            postal_code="18500",
            commune="Mehun-sur-Yèvre",
            publics=[AtelierPublic.JEUNES],
            themes=[Theme.SECURITE, Theme.OUTILS_QUOTIDIEN],
        ),
        "cv": make("pij", S.CHANGES_REQUESTED, [4], title="CV en ligne", publics=[AtelierPublic.SENIORS]),
        "refusee": make("pij", S.DECLINED, [5], title="Refusée"),
        "retiree": make("epn", S.WITHDRAWN, [5], title="Retirée"),
        "brouillon": make("epn", S.DRAFT, [6], title="Brouillon"),
    }


def test_coverage_totals_count_active_contributions_and_their_sessions(cycle, contributions):
    coverage = compute_coverage(cycle)

    totals = coverage.totals
    assert (totals.active, totals.accepted, totals.proposed) == (3, 1, 2)
    assert (totals.sessions, totals.accepted_sessions) == (4, 2)
    assert (coverage.declined, coverage.withdrawn) == (1, 1)
    assert coverage.target_total == 9


def test_coverage_per_bassin_against_the_target(cycle, contributions):
    coverage = compute_coverage(cycle)

    assert [
        (line.bassin.slug, line.active, line.accepted, line.sessions, line.progress_percent, line.reached)
        for line in coverage.bassins
    ] == [
        ("aubigny", 0, 0, 0, 0, False),
        ("bourges", 2, 1, 3, 100, True),
        ("vierzon", 1, 0, 1, 33, False),
    ]
    assert [line.missing for line in coverage.bassins] == [3, 0, 2]
    assert coverage.bassins_reaching_target == 1


def test_coverage_per_commune_uses_the_place_of_each_contribution(cycle, contributions):
    coverage = compute_coverage(cycle)

    assert [
        (line.name, line.in_territory, line.active, line.sessions, line.is_white_zone)
        for line in coverage.communes
    ] == [
        ("Aubigny-sur-Nère", True, 0, 0, True),
        ("Bourges", True, 1, 2, False),
        ("Mehun-sur-Yèvre", False, 1, 1, False),
        ("Saint-Doulchard", True, 0, 0, True),
        ("Vierzon", True, 1, 1, False),
    ]


def test_coverage_per_public_and_theme_lists_every_choice(cycle, contributions):
    coverage = compute_coverage(cycle)

    publics = {line.key: (line.active, line.sessions) for line in coverage.publics}
    themes = {line.key: (line.active, line.accepted) for line in coverage.themes}
    assert list(publics) == list(AtelierPublic.values)
    assert publics[AtelierPublic.SENIORS] == (2, 3)
    assert publics[AtelierPublic.JEUNES] == (1, 1)
    assert publics[AtelierPublic.FEMMES] == (0, 0)
    assert list(themes) == list(Theme.values)
    assert themes[Theme.OUTILS_QUOTIDIEN] == (3, 1)
    assert themes[Theme.SECURITE] == (1, 0)
    assert themes[Theme.DEMARCHES] == (0, 0)
    assert [line.bar_percent for line in coverage.publics if line.active] == [50, 100]


def test_coverage_white_zones_and_their_map_markers(cycle, contributions):
    coverage = compute_coverage(cycle)

    assert [line.bassin.slug for line in coverage.white_bassins] == ["aubigny"]
    assert [line.name for line in coverage.white_communes] == ["Aubigny-sur-Nère", "Saint-Doulchard"]
    # The commune of two structures sits at their average; a commune with no coordinates has no marker.
    assert [(marker["name"], marker["lat"], marker["lon"]) for marker in coverage.map_markers()] == [
        ("Bassin d'Aubigny", 47.49, 2.44),
        ("Saint-Doulchard", 47.11, 2.35),
    ]
    assert [marker["url"] for marker in coverage.map_markers()] == [
        f"#zone-bassin-{coverage.white_bassins[0].bassin.pk}",
        "#zone-commune-4",
    ]


def test_coverage_days_with_no_offer(cycle, contributions):
    coverage = compute_coverage(cycle)

    assert coverage.empty_days == [day(cycle, 0), day(cycle, 3), day(cycle, 5), day(cycle, 6)]
    assert [(line.sessions, line.accepted_sessions) for line in coverage.days] == [
        (0, 0),
        (1, 1),
        (2, 1),
        (0, 0),
        (1, 0),
        (0, 0),
        (0, 0),
    ]


def test_coverage_of_an_empty_cycle_is_all_white(cycle, territory):
    coverage = compute_coverage(cycle)

    assert coverage.totals.active == 0
    assert len(coverage.white_bassins) == 3
    assert coverage.empty_days == cycle.days()


def test_coverage_query_count_does_not_grow_with_contributions(
    cycle, territory, contributions, django_assert_num_queries
):
    # Territory (1), structures (1), contributions (1).
    with django_assert_num_queries(3):
        compute_coverage(cycle)
    for n in range(10):
        ContributionFactory(cycle=cycle, structure=territory["pij"], state=S.SUBMITTED, title=f"En plus {n}")

    with django_assert_num_queries(3):
        coverage = compute_coverage(cycle)

    assert coverage.totals.active == 13


# CSV ----------------------------------------------------------------------------------------------------


def test_csv_has_a_french_header_and_one_row_per_contribution_but_drafts(cycle, contributions):
    rows = csv_rows(cycle)

    assert rows[0] == csv_header()
    assert rows[0][:4] == ["Numéro", "Titre", "État", "Bassin de vie"]
    assert [row[1] for row in rows[1:]] == ["Tablette", "Arnaques", "CV en ligne", "Refusée", "Retirée"]


def test_csv_row_holds_every_field_of_the_contribution(cycle, contributions, territory):
    arnaques = contributions["arnaques"]
    arnaques.co_organisers.set([territory["pij"], territory["epn"]])
    arnaques.capacity = 12
    arnaques.start_time, arnaques.end_time = time(9, 30), time(11, 0)
    arnaques.save()
    for value in (4, 5):
        ContributionScore.objects.create(contribution=arnaques, reviewer=UserFactory(), value=value)

    row = dict(zip(csv_header(), csv_rows(cycle)[2], strict=True))

    assert row["Numéro"] == str(arnaques.pk)
    assert row["État"] == "Proposée"
    assert row["Bassin de vie"] == "Bassin de Bourges"
    assert row["Structure qui accueille"] == "Médiathèque"
    assert row["Structures co-organisatrices"] == "EPN | PIJ"
    assert row["Thèmes"] == "Maîtrise des outils numériques du quotidien | Utilisation sécurisée du numérique"
    assert row["Publics"] == "Jeunes"
    assert row["Dates"] == day(cycle, 2).strftime("%d/%m/%Y")
    assert (row["Nombre de séances"], row["Heure de début"], row["Heure de fin"]) == ("1", "09:30", "11:00")
    assert (row["Lieu"], row["Adresse"], row["Code postal"], row["Commune"]) == (
        "Salle des fêtes",
        "1 place de la Mairie",
        "18500",
        "Mehun-sur-Yèvre",
    )
    assert row["Nombre de places"] == "12"
    assert (row["Note moyenne"], row["Nombre de notes"]) == ("4,5", "2")
    assert row["Publiée dans l'agenda"] == "non"
    assert (
        row["Fiche de la contribution"]
        == f"http://127.0.0.1:8000/pro/programmes/contributions/{arnaques.pk}/"
    )


def test_csv_cells_never_start_a_formula(cycle, territory):
    ContributionFactory(
        cycle=cycle, structure=territory["pij"], state=S.SUBMITTED, title='=HYPERLINK("http://x")'
    )

    assert csv_rows(cycle)[1][1] == '\'=HYPERLINK("http://x")'


def test_write_csv_starts_with_a_byte_order_mark_and_separates_with_semicolons(cycle, contributions):
    stream = io.StringIO()

    write_csv(cycle, stream)

    text = stream.getvalue()
    assert text.startswith(BYTE_ORDER_MARK + "Numéro;Titre;État;")
    rows = list(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK)), delimiter=";"))
    assert len(rows) == 6
    assert rows[1][1] == "Tablette"
