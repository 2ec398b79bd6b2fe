"""`/pro/agenda/` (professional events) and the private feed `/pro/agenda/<token>.ics`."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import enums as event_enums
from network import domain
from network.enums import MemberRole
from pro.models import CalendarToken
from tests.factories import AtelierFactory, StructureFactory, UserFactory
from tests.pro.factories import ProAtelierFactory, make_coordinator, make_member


@pytest.fixture
def events(territory):
    """In Bourges (the member's bassin) and in Vierzon: public ateliers, pro trainings, network meetings."""
    mediatheque, pij = territory["mediatheque"], territory["pij"]
    return {
        "public_here": AtelierFactory(structure=mediatheque, title="Atelier tablette public"),
        "pro_here": ProAtelierFactory(structure=mediatheque, title="Formation Aidants Connect"),
        "meeting_here": AtelierFactory(
            structure=mediatheque,
            title="Réunion du réseau de Bourges",
            kind=event_enums.Kind.RESEAU,
            start_date=timezone.localdate() + timedelta(days=3),
        ),
        "past_here": ProAtelierFactory(
            structure=mediatheque,
            title="Formation passée",
            start_date=timezone.localdate() - timedelta(days=60),
        ),
        "public_there": AtelierFactory(structure=pij, title="Atelier smartphone à Vierzon"),
        "pro_there": ProAtelierFactory(structure=pij, title="Échange de pratiques à Vierzon", kind="echange"),
    }


def titles(response) -> list[str]:
    return [
        occurrence.atelier.title for _day, sessions in response.context["days"] for occurrence in sessions
    ]


def feed_url(token) -> str:
    return reverse("pro:agenda_feed", kwargs={"token": token.token})


# The page ---------------------------------------------------------------------------------------------


def test_agenda_lists_pro_events_of_my_bassins_by_date(client, territory, events):
    client.force_login(territory["member"])

    response = client.get(reverse("pro:agenda"))

    assert titles(response) == ["Réunion du réseau de Bourges", "Formation Aidants Connect"]
    assert "Réservé aux professionnels" in response.content.decode()


def test_agenda_whole_region_adds_other_bassins(client, territory, events):
    client.force_login(territory["member"])

    response = client.get(reverse("pro:agenda"), {"portee": "reseau"})

    assert titles(response) == [
        "Réunion du réseau de Bourges",
        "Formation Aidants Connect",
        "Échange de pratiques à Vierzon",
    ]


def test_agenda_hides_events_of_unpublished_structures(client, territory, events):
    draft = StructureFactory(bassin=territory["bourges"], slug="brouillon", publish=False)
    ProAtelierFactory(structure=draft, title="Formation cachée")
    client.force_login(territory["member"])

    assert "Formation cachée" not in titles(client.get(reverse("pro:agenda")))


def test_agenda_shows_personal_feed_address_once_created(client, territory):
    client.force_login(territory["member"])

    first = client.get(reverse("pro:agenda"))
    second = client.get(reverse("pro:agenda"))

    token = CalendarToken.objects.get(user=territory["member"])
    address = "http://127.0.0.1:8000" + feed_url(token)
    assert first.context["feed_address"] == second.context["feed_address"] == address
    assert f'value="{address}"' in first.content.decode()
    assert "Révoquer et créer une nouvelle adresse" in first.content.decode()


def test_renew_feed_address_revokes_the_old_one(client, territory, events):
    client.force_login(territory["member"])
    client.get(reverse("pro:agenda"))
    old = CalendarToken.objects.get()
    old_token = old.token

    response = client.post(reverse("pro:renew_feed_address"))

    new = CalendarToken.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("pro:agenda") + "#abonnement")
    assert new.token != old_token
    assert client.get(reverse("pro:agenda_feed", kwargs={"token": old_token})).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_renew_feed_address_needs_post(client, territory):
    client.force_login(territory["member"])

    assert client.get(reverse("pro:renew_feed_address")).status_code == 405


# The feed ---------------------------------------------------------------------------------------------


@pytest.fixture
def token(territory):
    return CalendarToken.objects.create(user=territory["member"])


def test_feed_has_public_and_pro_ateliers_of_my_bassins_only(client, token, events):
    response = client.get(feed_url(token))

    body = response.content.decode()
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert "Atelier tablette public" in body
    assert "Formation Aidants Connect" in body
    assert "Réunion du réseau de Bourges" in body
    assert "Vierzon" not in body


def test_feed_needs_no_login_but_is_private(client, token, events):
    response = client.get(feed_url(token))

    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_feed_answers_304_to_a_calendar_app_that_has_it(client, token, events):
    first = client.get(feed_url(token))

    again = client.get(feed_url(token), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert "private" in again["Cache-Control"]


def test_feed_unknown_token_is_404(client, db):
    assert client.get(reverse("pro:agenda_feed", kwargs={"token": "pas-un-jeton"})).status_code == 404


def test_feed_after_leaving_last_structure_is_404(client, territory, token, events):
    domain.remove_member(structure=territory["mediatheque"], user=territory["member"])

    assert client.get(feed_url(token)).status_code == 404


def test_feed_after_leaving_one_structure_drops_its_bassin(client, territory, token, events):
    member = territory["member"]
    domain.add_member(structure=territory["pij"], user=member, role=MemberRole.BENEVOLE)
    before = client.get(feed_url(token)).content.decode()

    domain.remove_member(structure=territory["pij"], user=member)
    after = client.get(feed_url(token)).content.decode()

    assert "Échange de pratiques à Vierzon" in before
    assert "Échange de pratiques à Vierzon" not in after
    assert "Formation Aidants Connect" in after


def test_feed_of_inactive_account_is_404(client, territory, token, events):
    territory["member"].is_active = False
    territory["member"].save()

    assert client.get(feed_url(token)).status_code == 404


def test_feed_of_coordinator_covers_the_bassin(client, territory, events):
    coordinator = make_coordinator(territory["vierzon"])
    token = CalendarToken.objects.create(user=coordinator)

    body = client.get(feed_url(token)).content.decode()

    assert "Échange de pratiques à Vierzon" in body and "Atelier smartphone à Vierzon" in body
    assert "Formation Aidants Connect" not in body


def test_feed_query_count_does_not_grow_with_ateliers(client, territory, token):
    def count(extra):
        for index in range(extra):
            ProAtelierFactory(structure=territory["mediatheque"], title=f"Formation {index}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(feed_url(token)).status_code == 200
        return len(queries)

    assert count(2) == count(20)


def test_feed_of_a_non_member_token_is_404(client, db):
    token = CalendarToken.objects.create(user=UserFactory())

    assert client.get(feed_url(token)).status_code == 404


def test_feed_of_superuser_covers_every_bassin(client, territory, events):
    token = CalendarToken.objects.create(user=UserFactory(is_superuser=True))

    body = client.get(feed_url(token)).content.decode()

    assert "Formation Aidants Connect" in body and "Échange de pratiques à Vierzon" in body


def test_member_in_other_bassin_token_does_not_see_here(client, territory, events):
    token = CalendarToken.objects.create(user=make_member(territory["pij"]))

    body = client.get(feed_url(token)).content.decode()

    assert "Formation Aidants Connect" not in body


def test_agenda_query_count_does_not_grow_with_sessions(client, territory):
    client.force_login(territory["member"])

    def count(extra):
        for index in range(extra):
            ProAtelierFactory(
                structure=territory["mediatheque"], title=f"Formation {index}", rrule="FREQ=WEEKLY;COUNT=4"
            )
        client.get(reverse("pro:agenda"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("pro:agenda"))
        return len(queries), response.context["result_count"]

    few, few_sessions = count(2)
    many, many_sessions = count(10)

    assert (few_sessions, many_sessions) == (8, 48)
    assert few == many
