"""The coverage page of a cycle and its CSV (`programmes.views.coverage`): who sees which bassins."""

import csv
import io

import pytest
from django.urls import reverse

from programmes.coverage import BYTE_ORDER_MARK

from .proposals import propose

pytestmark = pytest.mark.django_db


def coverage_url(cycle, name="coverage"):
    return reverse(f"programmes:{name}", kwargs={"slug": cycle.slug})


def test_coverage_page_shows_the_whole_cycle_to_a_bassin_coordinator(
    client, cycle, vierzon_coordinator, proposals
):
    client.force_login(vierzon_coordinator)

    response = client.get(coverage_url(cycle))

    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert (coverage.totals.active, [line.active for line in coverage.bassins]) == (2, [1, 1])
    assert response.context["whole_cycle"] is False
    content = response.content.decode()
    assert "ne contient que les contributions des bassins que vous coordonnez" in content
    assert coverage_url(cycle, "coverage_csv") in content
    assert "1 sur 3 (33 %)" in content


def test_coverage_page_lists_and_maps_the_white_zones(client, cycle, cycle_coordinator, territory):
    client.force_login(cycle_coordinator)

    response = client.get(coverage_url(cycle))

    content = response.content.decode()
    assert [marker["name"] for marker in response.context["map_markers"]] == [
        "Bassin de Bourges",
        "Bassin de Vierzon",
        "Bourges",
        "Vierzon",
    ]
    assert f'id="zone-bassin-{territory["bourges"].pk}"' in content
    assert 'id="carte"' in content


def test_coverage_refused_to_a_plain_editor(client, cycle, editors):
    client.force_login(editors["pij"])

    assert client.get(coverage_url(cycle)).status_code == 403
    assert client.get(coverage_url(cycle, "coverage_csv")).status_code == 403


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith(BYTE_ORDER_MARK)
    return list(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK)), delimiter=";"))


def test_coverage_csv_of_a_cycle_coordinator_holds_every_contribution(
    client, cycle, cycle_coordinator, proposals
):
    client.force_login(cycle_coordinator)

    response = client.get(coverage_url(cycle, "coverage_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="htd-2027-contributions.csv"'
    rows = read_csv(response)
    assert rows[0][:3] == ["Numéro", "Titre", "État"]
    assert [(row[1], row[2], row[3]) for row in rows[1:]] == [
        ("CV en ligne", "Proposée", "Bassin de Vierzon"),
        ("Tablette", "Proposée", "Bassin de Bourges"),
    ]


def test_coverage_csv_of_a_bassin_coordinator_holds_only_their_bassin(
    client, cycle, vierzon_coordinator, proposals
):
    client.force_login(vierzon_coordinator)

    rows = read_csv(client.get(coverage_url(cycle, "coverage_csv")))

    assert [row[1] for row in rows[1:]] == ["CV en ligne"]


def test_coverage_page_query_count_does_not_grow_with_contributions(
    client, cycle, cycle_coordinator, territory, editors, proposals, django_assert_num_queries
):
    """Session and user (2), membership (1), cycle (1), is-coordinator checks (2), territory (1),
    contributions (1), structures (1), then the base template's menu and user bar (3)."""
    client.force_login(cycle_coordinator)
    client.get(coverage_url(cycle))
    with django_assert_num_queries(12):
        client.get(coverage_url(cycle))
    for n in range(5):
        propose(cycle, territory["pij"], editors["pij"], title=f"En plus {n}", day=n)

    with django_assert_num_queries(12):
        response = client.get(coverage_url(cycle))

    assert response.context["coverage"].totals.active == 7


def test_coverage_csv_query_count_does_not_grow_with_contributions(
    client, cycle, cycle_coordinator, territory, editors, proposals, django_assert_num_queries
):
    """Session and user (2), membership (1), cycle (1), is-coordinator checks (2), contributions with their
    scores (1), co-organisers (1), bassins (1)."""
    client.force_login(cycle_coordinator)
    with django_assert_num_queries(9):
        client.get(coverage_url(cycle, "coverage_csv"))
    for n in range(5):
        contribution = propose(cycle, territory["pij"], editors["pij"], title=f"En plus {n}")
        contribution.co_organisers.set([territory["mediatheque"]])

    with django_assert_num_queries(9):
        response = client.get(coverage_url(cycle, "coverage_csv"))

    assert len(read_csv(response)) == 8
