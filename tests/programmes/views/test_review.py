"""The coordinators' review list, scores and bulk acceptance (`programmes.views.review`): who sees what."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.enums import AtelierPublic, Theme
from programmes import domain
from programmes.enums import ContributionState
from programmes.models import ContributionScore
from tests.factories import UserFactory

from .proposals import propose

pytestmark = pytest.mark.django_db
S = ContributionState


def review_url(cycle):
    return reverse("programmes:review", kwargs={"slug": cycle.slug})


def titles(response):
    return [row.title for row in response.context["rows"]]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The list -------------------------------------------------------------------------------------------------


def test_review_lists_the_cycle_contributions_by_date_without_drafts(
    client, cycle, cycle_coordinator, proposals
):
    client.force_login(cycle_coordinator)

    response = client.get(review_url(cycle))

    assert response.status_code == 200
    assert titles(response) == ["CV en ligne", "Tablette"]
    assert response.context["whole_cycle"] is True
    row = response.context["rows"][0]
    assert (row.bassin_title, row.place_commune(), row.hours) == (
        "Bassin de Vierzon",
        "Vierzon",
        "14 h – 16 h",
    )
    assert (row.last_event.kind, row.last_event.author) == ("proposee", proposals["cv"].created_by)
    content = response.content.decode()
    assert reverse("programmes:contribution", kwargs={"pk": proposals["cv"].pk}) in content
    assert "Accepter la sélection" in content


def test_review_bassin_coordinator_sees_only_their_bassin(client, cycle, vierzon_coordinator, proposals):
    client.force_login(vierzon_coordinator)

    response = client.get(review_url(cycle))

    assert titles(response) == ["CV en ligne"]
    assert [value for value, _label in response.context["form"].fields["bassin"].choices] == ["", "vierzon"]
    # Asking for another bassin is ignored, not obeyed.
    assert titles(client.get(review_url(cycle), {"bassin": "bourges"})) == ["CV en ligne"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bassin": "bourges"}, ["Tablette"]),
        ({"etat": S.ACCEPTED}, ["Tablette"]),
        ({"etat": S.SUBMITTED}, ["CV en ligne"]),
        ({"theme": Theme.INSERTION_PRO}, ["CV en ligne"]),
        ({"public": AtelierPublic.SENIORS}, ["Tablette"]),
        ({"date": "second-day"}, ["Tablette"]),
        ({"public": AtelierPublic.SENIORS, "etat": S.SUBMITTED}, []),
        (
            {"etat": "nimporte", "bassin": "ailleurs", "date": "2000-01-01", "tri": "x"},
            ["CV en ligne", "Tablette"],
        ),
    ],
    ids=["bassin", "state", "state-2", "theme", "public", "date", "nothing", "bad-values-ignored"],
)
def test_review_filters(client, cycle, cycle_coordinator, proposals, params, expected):
    domain.accept_contribution(contribution=proposals["tablette"], by=cycle_coordinator)
    if params.get("date") == "second-day":
        params["date"] = (cycle.start_date + timedelta(days=2)).isoformat()
    client.force_login(cycle_coordinator)

    response = client.get(review_url(cycle), params)

    assert response.status_code == 200
    assert titles(response) == expected


def test_review_sorts_by_average_score_best_first_unscored_last(
    client, cycle, cycle_coordinator, proposals, territory, editors
):
    third = propose(cycle, territory["pij"], editors["pij"], day=0, title="Sans note")
    for contribution, values in ((proposals["cv"], [2, 3]), (proposals["tablette"], [5])):
        for value in values:
            ContributionScore.objects.create(contribution=contribution, reviewer=UserFactory(), value=value)
    client.force_login(cycle_coordinator)

    response = client.get(review_url(cycle), {"tri": "note"})

    assert titles(response) == ["Tablette", "CV en ligne", third.title]
    assert [(row.score_average, row.score_count) for row in response.context["rows"]] == [
        (5, 1),
        (2.5, 2),
        (None, 0),
    ]


def test_review_refused_to_a_plain_editor(client, cycle, editors, proposals):
    client.force_login(editors["mediatheque"])

    response = client.get(review_url(cycle))

    assert response.status_code == 403
    assert "Accès réservé à la coordination" in response.content.decode()


def test_review_requires_login(client, cycle):
    response = client.get(review_url(cycle))

    assert response.status_code == 302


def test_review_of_unknown_cycle_is_404(client, cycle_coordinator, cycle):
    client.force_login(cycle_coordinator)

    assert client.get(reverse("programmes:review", kwargs={"slug": "inconnu"})).status_code == 404


def test_review_query_count_does_not_grow_with_contributions(
    client, cycle, cycle_coordinator, territory, editors, proposals, django_assert_num_queries
):
    """Session and user (2), membership (1), cycle (1), is-coordinator checks (3), territory (1), the count
    for the pages (1), the rows with their scores (1) and their last history lines (1), then the base
    template's menu and user bar (3)."""
    params = {"tri": "note", "public": AtelierPublic.SENIORS}
    client.force_login(cycle_coordinator)
    client.get(review_url(cycle))  # warms the site and content-type caches
    with django_assert_num_queries(14):
        small = client.get(review_url(cycle), params)
    for n in range(6):
        contribution = propose(
            cycle,
            territory["mediatheque"],
            editors["mediatheque"],
            title=f"En plus {n}",
            publics=[AtelierPublic.SENIORS],
        )
        ContributionScore.objects.create(contribution=contribution, reviewer=cycle_coordinator, value=3)

    with django_assert_num_queries(14):
        large = client.get(review_url(cycle), params)

    assert (len(small.context["rows"]), len(large.context["rows"])) == (1, 7)


def test_review_is_paged_and_the_pages_keep_the_filters(
    client, cycle, cycle_coordinator, territory, editors, proposals, monkeypatch
):
    monkeypatch.setattr("programmes.views.review.REVIEW_PAGE_SIZE", 2)
    propose(cycle, territory["mediatheque"], editors["mediatheque"], day=3, title="Smartphone")
    client.force_login(cycle_coordinator)

    first = client.get(review_url(cycle), {"tri": "date"})
    second = client.get(review_url(cycle), {"tri": "date", "page": "2"})

    assert (titles(first), titles(second)) == (["CV en ligne", "Tablette"], ["Smartphone"])
    assert first.context["result_count"] == 3
    content = first.content.decode()
    assert "3 contributions" in content
    assert 'href="?tri=date&amp;page=2"' in content


# Scores -----------------------------------------------------------------------------------------------------


def test_score_records_the_mark_and_returns_to_the_filtered_list(
    client, cycle, vierzon_coordinator, proposals
):
    client.force_login(vierzon_coordinator)
    cv = proposals["cv"]

    response = client.post(
        reverse("programmes:score", kwargs={"slug": cycle.slug, "pk": cv.pk}),
        {"value": "4", "retour": "etat=proposee&tri=note"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{review_url(cycle)}?etat=proposee&tri=note#contribution-{cv.pk}"
    assert list(ContributionScore.objects.values_list("contribution", "reviewer", "value")) == [
        (cv.pk, vierzon_coordinator.pk, 4)
    ]
    assert messages_of(response) == ["Votre note (4 sur 5) est enregistrée pour « CV en ligne »."]
    row = client.get(review_url(cycle)).context["rows"][0]
    assert (row.my_score, row.score_average, row.score_count) == (4, 4, 1)


@pytest.mark.parametrize("value", ["0", "6", "", "beaucoup"])
def test_score_outside_one_to_five_is_refused(client, cycle, cycle_coordinator, proposals, value):
    client.force_login(cycle_coordinator)

    response = client.post(
        reverse("programmes:score", kwargs={"slug": cycle.slug, "pk": proposals["cv"].pk}), {"value": value}
    )

    assert response.status_code == 302
    assert ContributionScore.objects.count() == 0
    assert messages_of(response) == ["Choisissez une note de 1 à 5."]


def test_score_of_another_bassin_is_forbidden(client, cycle, vierzon_coordinator, proposals):
    client.force_login(vierzon_coordinator)

    response = client.post(
        reverse("programmes:score", kwargs={"slug": cycle.slug, "pk": proposals["tablette"].pk}),
        {"value": "5"},
    )

    assert response.status_code == 403
    assert ContributionScore.objects.count() == 0


def test_score_is_post_only(client, cycle, cycle_coordinator, proposals):
    client.force_login(cycle_coordinator)

    response = client.get(reverse("programmes:score", kwargs={"slug": cycle.slug, "pk": proposals["cv"].pk}))

    assert response.status_code == 405


# Bulk acceptance ---------------------------------------------------------------------------------------


def test_bulk_accept_accepts_the_selection_and_says_which_were_not(
    client, cycle, cycle_coordinator, territory, editors, proposals
):
    declined = propose(cycle, territory["pij"], editors["pij"], title="Déjà refusée")
    domain.decline_contribution(contribution=declined, by=cycle_coordinator)
    client.force_login(cycle_coordinator)

    response = client.post(
        reverse("programmes:bulk_accept", kwargs={"slug": cycle.slug}),
        {
            "contributions": [
                proposals["cv"].pk,
                proposals["tablette"].pk,
                declined.pk,
                proposals["brouillon"].pk,
            ],
            "retour": "tri=note",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{review_url(cycle)}?tri=note"
    for contribution in (*proposals.values(), declined):
        contribution.refresh_from_db()
    assert [proposals["cv"].state, proposals["tablette"].state, declined.state] == [
        S.ACCEPTED,
        S.ACCEPTED,
        S.DECLINED,
    ]
    assert proposals["tablette"].atelier is not None
    assert proposals["brouillon"].state == S.DRAFT
    assert messages_of(response) == [
        "2 contributions acceptées : elles entrent au programme et les structures sont prévenues.",
        "2 contributions n'ont pas été acceptées. « Déjà refusée » : Une contribution « refusée » ne peut "
        "pas être acceptée ; 1 contribution introuvable ou hors de votre périmètre.",
    ]


def test_bulk_accept_by_a_bassin_coordinator_leaves_other_bassins_alone(
    client, cycle, vierzon_coordinator, proposals
):
    client.force_login(vierzon_coordinator)

    response = client.post(
        reverse("programmes:bulk_accept", kwargs={"slug": cycle.slug}),
        {"contributions": [proposals["cv"].pk, proposals["tablette"].pk]},
    )

    proposals["cv"].refresh_from_db()
    proposals["tablette"].refresh_from_db()
    assert (proposals["cv"].state, proposals["tablette"].state) == (S.ACCEPTED, S.SUBMITTED)
    assert messages_of(response)[1] == (
        "1 contribution n'a pas été acceptée. 1 contribution introuvable ou hors de votre périmètre."
    )


def test_bulk_accept_with_nothing_ticked_says_so(client, cycle, cycle_coordinator, proposals):
    client.force_login(cycle_coordinator)

    response = client.post(reverse("programmes:bulk_accept", kwargs={"slug": cycle.slug}), {})

    assert messages_of(response) == ["Cochez au moins une contribution à accepter."]


def test_bulk_accept_refused_to_a_plain_editor(client, cycle, editors, proposals):
    client.force_login(editors["pij"])

    response = client.post(
        reverse("programmes:bulk_accept", kwargs={"slug": cycle.slug}),
        {"contributions": [proposals["cv"].pk]},
    )

    proposals["cv"].refresh_from_db()
    assert (response.status_code, proposals["cv"].state) == (403, S.SUBMITTED)
