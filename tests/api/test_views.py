"""The lists of /api/v1/: what they show (public objects only, identities not pks), their filters, their
order and pages, `updated_since`, and a query count that does not grow with the data."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import domain
from events.models import Atelier
from network.models import StructurePage
from tests.factories import AtelierFactory, add_listed_structures

pytestmark = pytest.mark.django_db


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def all_text(response) -> str:
    return response.content.decode()


class TestPrivacy:
    def test_pro_only_ateliers_never_appear(self, api, territory):
        ateliers = api.get("/api/v1/ateliers/")
        sessions = api.get("/api/v1/sessions/")

        assert sorted(ids(ateliers)) == sorted([territory.public.uid, territory.orleans.uid])
        assert territory.pro_only.uid not in all_text(sessions)
        assert "Réunion du réseau" not in all_text(ateliers) + all_text(sessions)

    def test_private_fields_of_structures_never_appear(self, api, territory):
        text = all_text(api.get("/api/v1/structures/"))

        assert "Dominique" not in text
        assert "Dix personnes" not in text
        for name in ["referral_contact", "intake_capacity", "editors_group", "equipment_note", "collection"]:
            assert name not in text

    def test_unpublished_structures_and_their_ateliers_disappear(self, api, territory):
        territory.mediatheque.unpublish()

        assert ids(api.get("/api/v1/structures/")) == [str(territory.epn.global_id)]
        assert ids(api.get("/api/v1/ateliers/")) == [territory.orleans.uid]
        assert {item["atelier"] for item in api.get("/api/v1/sessions/").json()["results"]} == {
            territory.orleans.uid
        }

    def test_local_primary_keys_never_are_identities(self, api, territory):
        structure = api.get("/api/v1/structures/").json()["results"][0]

        assert structure["id"] == str(territory.mediatheque.global_id)
        assert structure["bassin"] == str(territory.cher.global_id)
        assert structure["origin"] == "http://127.0.0.1:8000"
        assert structure["url"] == "http://testserver/bourges/mediatheque-bourges/"

    def test_a_mirrored_copy_keeps_the_origin_of_the_instance_that_created_it(self, api, territory):
        """A hub re-exporting what it mirrors names the first instance, so that instance skips it."""
        StructurePage.objects.filter(pk=territory.mediatheque.pk).update(origin="https://maillage.indre.fr")

        origins = {item["id"]: item["origin"] for item in api.get("/api/v1/structures/").json()["results"]}

        assert origins[str(territory.mediatheque.global_id)] == "https://maillage.indre.fr"
        assert origins[str(territory.epn.global_id)] == "http://127.0.0.1:8000"


class TestFilters:
    def test_structures_by_bassin(self, api, territory):
        response = api.get("/api/v1/structures/", {"bassin": str(territory.loiret.global_id)})

        assert ids(response) == [str(territory.epn.global_id)]

    def test_structures_by_commune_service_and_text(self, api, territory):
        assert ids(api.get("/api/v1/structures/", {"commune": "orléans"})) == [str(territory.epn.global_id)]
        assert ids(api.get("/api/v1/structures/", {"service": "Aide aux démarches administratives"})) == [
            str(territory.mediatheque.global_id)
        ]
        assert ids(api.get("/api/v1/structures/", {"q": "Médiathèque"})) == [
            str(territory.mediatheque.global_id)
        ]

    def test_ateliers_by_bassin_and_structure(self, api, territory):
        assert ids(api.get("/api/v1/ateliers/", {"bassin": str(territory.loiret.global_id)})) == [
            territory.orleans.uid
        ]
        assert ids(api.get("/api/v1/ateliers/", {"structure": str(territory.mediatheque.global_id)})) == [
            territory.public.uid
        ]

    def test_sessions_by_atelier_and_start(self, api, territory):
        sessions = list(territory.orleans.occurrences.order_by("start"))

        response = api.get(
            "/api/v1/sessions/",
            {
                "atelier": territory.orleans.uid,
                "start_after": sessions[1].start.isoformat(),
                "start_before": (sessions[2].start + timedelta(minutes=1)).isoformat(),
            },
        )

        assert [item["start"] for item in response.json()["results"]] == [
            session.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for session in sessions[1:]
        ]
        assert ids(response)[0] == f"{territory.orleans.uid}/{sessions[1].recurrence_id.isoformat()}"

    def test_sessions_by_bassin(self, api, territory):
        response = api.get("/api/v1/sessions/", {"bassin": str(territory.cher.global_id)})

        assert [item["atelier"] for item in response.json()["results"]] == [territory.public.uid]

    def test_an_unknown_bassin_is_an_empty_list(self, api, territory):
        response = api.get("/api/v1/structures/", {"bassin": "00000000-0000-0000-0000-000000000000"})

        assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}

    def test_a_wrong_value_is_a_400_in_french(self, api, territory):
        response = api.get("/api/v1/ateliers/", {"structure": "pas-un-uuid", "updated_since": "hier"})

        assert response.status_code == 400
        assert response.json() == {
            "structure": ["Saisissez un UUID valide."],
            "updated_since": ["Saisissez une date et une heure valides."],
        }

    def test_moments_far_away_mean_no_bound(self, api, territory):
        """Year 1 in Paris time is before year 1 in UTC: it would overflow if it reached the database."""
        everything = ids(api.get("/api/v1/sessions/"))

        assert ids(api.get("/api/v1/sessions/", {"start_after": "0001-01-01T00:00:00"})) == everything
        assert ids(api.get("/api/v1/sessions/", {"start_before": "9999-12-31T23:59:59-23:00"})) == everything
        assert ids(api.get("/api/v1/sessions/", {"start_before": "0001-01-01T00:00:00+14:00"})) == []

    def test_offsets_postgresql_refuses_are_read_in_utc(self, api, territory):
        """ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: found by schemathesis (a 500)."""
        response = api.get("/api/v1/ateliers/", {"updated_since": "2000-01-22T08:52:17-23:37"})

        assert sorted(ids(response)) == sorted([territory.public.uid, territory.orleans.uid])


class TestUpdatedSince:
    def test_only_objects_changed_strictly_after(self, api, territory):
        Atelier.objects.filter(pk=territory.public.pk).update(updated_at=timezone.now() - timedelta(days=3))
        Atelier.objects.filter(pk=territory.orleans.pk).update(updated_at=timezone.now() - timedelta(days=1))
        cut = (timezone.now() - timedelta(days=2)).isoformat()

        assert ids(api.get("/api/v1/ateliers/", {"updated_since": cut})) == [territory.orleans.uid]
        assert {
            item["atelier"] for item in api.get("/api/v1/sessions/", {"updated_since": cut}).json()["results"]
        } == {territory.orleans.uid}

    def test_a_changed_session_moves_its_atelier_and_its_sessions(self, api, territory):
        """A peer reading `updated_since` must see a cancelled or moved session of an unchanged series."""
        Atelier.objects.update(updated_at=timezone.now() - timedelta(days=3))
        cut = (timezone.now() - timedelta(days=2)).isoformat()
        first = territory.orleans.occurrences.order_by("start").first()

        domain.cancel_session(atelier=territory.orleans, original_start=first.recurrence_id)

        assert ids(api.get("/api/v1/ateliers/", {"updated_since": cut})) == [territory.orleans.uid]
        sessions = api.get("/api/v1/sessions/", {"updated_since": cut}).json()["results"]
        assert {item["atelier"] for item in sessions} == {territory.orleans.uid}
        assert Atelier.objects.get(pk=territory.orleans.pk).updated_at < timezone.now() - timedelta(days=2)

    def test_structures_changed_when_published_again(self, api, territory):
        StructurePage.objects.update(last_published_at=timezone.now() - timedelta(days=3))
        cut = timezone.now() - timedelta(days=2)
        territory.epn.save_revision().publish()

        assert ids(api.get("/api/v1/structures/", {"updated_since": cut.isoformat()})) == [
            str(territory.epn.global_id)
        ]

    def test_the_moment_itself_is_excluded(self, api, territory):
        first = api.get("/api/v1/bassins/").json()["results"][0]

        later = ids(api.get("/api/v1/bassins/", {"updated_since": first["updated_at"]}))

        assert first["id"] not in later


class TestSessionChanges:
    def test_an_atelier_lists_its_changed_sessions_and_added_or_removed_dates(self, api, territory):
        atelier = territory.orleans
        second, third = [row.recurrence_id for row in atelier.occurrences.order_by("start")][1:3]
        domain.cancel_session(atelier=atelier, original_start=third)
        domain.update_session(
            atelier=atelier,
            original_start=second,
            new_start=second + timedelta(days=1),
            new_end=second + timedelta(days=1, hours=2),
            title="Séance spéciale",
            place_name="Salle des fêtes",
            commune="Olivet",
        )

        item = next(i for i in api.get("/api/v1/ateliers/").json()["results"] if i["id"] == atelier.uid)

        assert item["session_changes"] == [
            {
                "session": second.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "status": "programme",
                "start": (second + timedelta(days=1)).astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "end": (second + timedelta(days=1, hours=2))
                .astimezone(UTC)
                .isoformat()
                .replace("+00:00", "Z"),
                "title": "Séance spéciale",
                "note": "",
                "place_name": "Salle des fêtes",
                "address": "",
                "commune": "Olivet",
                "latitude": None,
                "longitude": None,
                "seats_taken": 0,
            },
            {
                "session": third.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "status": "annule",
                "start": None,
                "end": None,
                "title": "",
                "note": "",
                "place_name": "",
                "address": "",
                "commune": "",
                "latitude": None,
                "longitude": None,
                "seats_taken": 0,
            },
        ]
        assert (item["rdates"], item["exdates"]) == ([], [])


class TestOrderAndPages:
    def test_ordered_by_update_then_identity(self, api, territory):
        results = api.get("/api/v1/ateliers/").json()["results"]

        assert [(item["updated_at"], item["id"]) for item in results] == sorted(
            (item["updated_at"], item["id"]) for item in results
        )

    def test_pages_cover_every_object_once(self, api, territory):
        add_listed_structures([territory.cher, territory.loiret], 5)
        seen = []
        url = "/api/v1/structures/?page_size=3"
        while url:
            page = api.get(url).json()
            assert page["count"] == 7
            seen += [item["id"] for item in page["results"]]
            url = page["next"]

        assert len(seen) == 7
        assert len(set(seen)) == 7

    def test_page_size_is_capped(self, api, territory):
        add_listed_structures([territory.cher], 3)

        response = api.get("/api/v1/structures/", {"page_size": 100_000})

        assert response.status_code == 200
        assert len(ids(response)) == 5

    def test_a_page_past_the_end_is_a_404_in_french(self, api, territory):
        response = api.get("/api/v1/bassins/", {"page": 99})

        assert response.status_code == 404
        assert response.json() == {"detail": "Page non valide."}


def count_queries(api, url) -> int:
    """Queries of one request, once Wagtail has cached its sites' root paths (read by a first request)."""
    api.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


class TestQueryCounts:
    @pytest.mark.parametrize(
        "url", ["/api/v1/bassins/", "/api/v1/structures/", "/api/v1/structures/?q=Espace"]
    )
    def test_pages_cost_the_same_at_two_sizes(self, api, territory, url):
        add_listed_structures([territory.cher, territory.loiret], 3)
        small = count_queries(api, url)
        add_listed_structures(
            [territory.cher, territory.loiret], 30, lambda index: {"slug": f"autre-{index}"}
        )

        assert count_queries(api, url) == small

    @pytest.mark.parametrize("url", ["/api/v1/ateliers/", "/api/v1/sessions/"])
    def test_agenda_lists_cost_the_same_at_two_sizes(self, api, territory, url):
        small = count_queries(api, url)
        for _index in range(4):
            AtelierFactory(structure=territory.epn, rrule="FREQ=WEEKLY;COUNT=4")

        assert count_queries(api, url) == small
