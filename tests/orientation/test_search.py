"""`orientation.search`: the query from a request, and the ranking on crafted places and ateliers."""

from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.communes import Point
from network.models import BassinPage
from orientation.enums import Constraint, Who
from orientation.search import HelpQuery, find_help
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, add_listed_structures

DEMARCHES = "Aide aux démarches administratives"
OUTILS = "Maîtrise des outils numériques du quotidien"
ACCES = "Accès internet et matériel informatique"
VIERZON = (47.2219, 2.0686)
ISSOUDUN = (46.9481, 1.9933)
BOURGES = (47.081, 2.3988)


class TestHelpQueryFromParams:
    def test_reads_every_key(self, db):
        params = QueryDict(
            "q=carte+grise&besoin=demarches&besoin=caf&pres=Vierzon&critere=gratuit&critere=soir&public=senior",
            mutable=False,
        )
        query = HelpQuery.from_params(params)
        assert (query.text, query.needs, query.near_text) == ("carte grise", ("demarches", "caf"), "Vierzon")
        assert query.constraints == frozenset({Constraint.GRATUIT, Constraint.SOIR})
        assert query.publics == frozenset({Who.SENIOR})

    def test_unknown_and_invalid_values_are_dropped(self, db):
        params = QueryDict(
            "besoin=<script>&besoin=ok-slug&critere=nimporte&public=martien&lat=abc&lon=2&pres=" + "x" * 500
        )
        query = HelpQuery.from_params(params)
        assert query.needs == ("ok-slug",)
        assert query.constraints == frozenset()
        assert query.publics == frozenset()
        assert query.near is None
        assert len(query.near_text) == 120

    def test_a_commune_typed_becomes_a_point(self, db):
        query = HelpQuery.from_params({"pres": "issoudun"})
        assert query.near is not None
        assert query.near.label == "Issoudun"

    def test_a_position_wins_over_the_commune(self, db):
        query = HelpQuery.from_params({"pres": "Issoudun", "lat": "47.2", "lon": "2.07"})
        assert (query.near.latitude, query.near.longitude, query.near_text) == (47.2, 2.07, "")

    def test_to_params_is_the_inverse(self, db):
        params = QueryDict("q=imprimer&besoin=wifi&pres=Vierzon&critere=samedi&public=jeune")
        query = HelpQuery.from_params(params)
        again = HelpQuery.from_params(QueryDict("&".join(f"{k}={v}" for k, v in query.to_params())))
        assert again == query


def _place(bassin, slug, *, services=(), latitude=47.2219, longitude=2.0686, **fields):
    return StructureFactory(
        bassin=bassin,
        slug=slug,
        title=fields.pop("title", f"Lieu {slug}"),
        services=list(services),
        latitude=latitude,
        longitude=longitude,
        presentation_resume=fields.pop("presentation_resume", ""),
        **fields,
    )


@pytest.fixture
def bassin(db):
    return BassinFactory()


@pytest.mark.django_db
class TestRanking:
    def test_the_place_offering_the_need_comes_first_not_the_one_named_after_it(self, bassin):
        _place(bassin, "nomme", title="Maison des cartes grises", services=[ACCES])
        _place(bassin, "france-services", title="Mairie", services=[DEMARCHES])
        results = find_help(HelpQuery(text="refaire ma carte grise"))
        assert [result.structure.slug for result in results.places][0] == "france-services"
        assert "carte grise" in results.places[0].reasons[0]

    def test_misspellings_accents_and_plurals_are_forgiven(self, bassin):
        _place(bassin, "smart", services=[OUTILS], presentation_resume="Ateliers pour le smartphone.")
        _place(bassin, "autre", services=[DEMARCHES])
        for text in ("SMARTFONE", "smartphones", "Smartphône"):
            results = find_help(HelpQuery(text=text))
            assert [result.structure.slug for result in results.places] == ["smart"], text

    def test_any_word_may_match_and_more_words_rank_higher(self, bassin):
        _place(bassin, "deux", presentation_resume="Imprimante et scanner en libre accès.")
        _place(bassin, "un", presentation_resume="Un scanner.")
        slugs = [result.structure.slug for result in find_help(HelpQuery(text="imprimante scanner")).places]
        assert slugs == ["deux", "un"]

    def test_distance_orders_equal_fits_and_is_written(self, bassin):
        _place(bassin, "loin", services=[DEMARCHES], latitude=BOURGES[0], longitude=BOURGES[1])
        _place(bassin, "pres", services=[DEMARCHES], latitude=VIERZON[0], longitude=VIERZON[1])
        near = Point(*VIERZON, "Vierzon")
        results = find_help(HelpQuery(text="démarches", near=near))
        assert [result.structure.slug for result in results.places] == ["pres", "loin"]
        assert results.places[0].reasons[-1] == "À moins d'1 km"
        assert results.places[1].reasons[-1] == "À 29 km"

    def test_a_commune_in_the_text_is_near(self, bassin):
        _place(bassin, "bourges", services=[OUTILS], latitude=BOURGES[0], longitude=BOURGES[1])
        _place(bassin, "issoudun", services=[OUTILS], latitude=ISSOUDUN[0], longitude=ISSOUDUN[1])
        results = find_help(HelpQuery(text="atelier smartphone Issoudun"))
        assert results.near.label == "Issoudun"
        assert [result.structure.slug for result in results.places] == ["issoudun", "bourges"]

    def test_constraints_rank_the_places_that_meet_them(self, bassin):
        _place(bassin, "payant", services=[OUTILS], frais_a_charge=["Payant"])
        _place(bassin, "gratuit", services=[OUTILS], frais_a_charge=["Gratuit"])
        results = find_help(HelpQuery(text="ordinateur", constraints=frozenset({Constraint.GRATUIT})))
        assert [result.structure.slug for result in results.places] == ["gratuit", "payant"]
        assert "Gratuit" in results.places[0].reasons

    def test_who_cannot_travel_gets_the_itinerant_service_and_its_nearest_stop(self, bassin):
        _place(bassin, "fixe", services=[OUTILS], latitude=VIERZON[0], longitude=VIERZON[1])
        _place(
            bassin,
            "bus",
            services=[OUTILS],
            itinerance=["Itinérant"],
            latitude=BOURGES[0],
            longitude=BOURGES[1],
            stops=[{"commune": "Massay", "latitude": 47.15, "longitude": 1.99}],
        )
        query = HelpQuery(
            text="ordinateur",
            near=Point(47.16, 1.99, "Massay"),
            constraints=frozenset({Constraint.SANS_DEPLACEMENT}),
        )
        results = find_help(query)
        assert [result.structure.slug for result in results.places] == ["bus", "fixe"]
        assert "Service itinérant : vient dans les communes" in results.places[0].reasons
        assert results.places[0].reasons[-1] == "À 1 km (passe à Massay)"

    def test_evening_and_saturday_read_the_opening_hours(self, bassin):
        _place(bassin, "journee", services=[DEMARCHES], horaires="Mo-Fr 09:00-12:00")
        _place(bassin, "soir-samedi", services=[DEMARCHES], horaires="Tu 14:00-20:00; Sa 09:00-12:00")
        for constraint, reason in (
            (Constraint.SOIR, "Ouvert le soir"),
            (Constraint.SAMEDI, "Ouvert le samedi"),
        ):
            results = find_help(HelpQuery(text="démarches", constraints=frozenset({constraint})))
            assert [result.structure.slug for result in results.places] == ["soir-samedi", "journee"]
            assert reason in results.places[0].reasons

    def test_a_need_chosen_by_button_finds_its_equipment(self, bassin):
        _place(bassin, "imprimante", has_printer=True)
        _place(bassin, "sans", services=[OUTILS])
        results = find_help(HelpQuery(needs=("imprimer",)))
        assert [result.structure.slug for result in results.places] == ["imprimante"]
        assert results.places[0].reasons == ["Imprimante en accès public"]
        assert [need.slug for need in results.needs] == ["imprimer"]

    def test_places_not_receiving_the_public_or_closed_are_left_out(self, bassin):
        _place(bassin, "reseau", services=[DEMARCHES], receives_public=False)
        _place(bassin, "ferme", services=[DEMARCHES], status="closed")
        assert find_help(HelpQuery(text="démarches")).is_empty()

    def test_the_next_matching_sessions_come_with_their_place(self, bassin):
        place = _place(bassin, "lieu", services=[OUTILS])
        AtelierFactory(structure=place, title="Smartphone pour débuter", themes=[OUTILS])
        AtelierFactory(structure=place, title="Jeux vidéo", themes=["Loisirs et créations numériques"])
        results = find_help(HelpQuery(text="smartphone"))
        assert [session.display_title for session in results.places[0].next_sessions] == [
            "Smartphone pour débuter"
        ]
        assert [s.occurrence.display_title for s in results.sessions] == ["Smartphone pour débuter"]

    def test_next_week_bounds_the_sessions(self, bassin):
        place = _place(bassin, "lieu", services=[OUTILS])
        today = timezone.localdate()
        next_monday = today + timedelta(days=7 - today.weekday())
        AtelierFactory(structure=place, title="Tablette demain", start_date=today + timedelta(days=1))
        AtelierFactory(structure=place, title="Tablette lundi", start_date=next_monday)
        results = find_help(HelpQuery(text="tablette la semaine prochaine"))
        titles = [s.occurrence.display_title for s in results.sessions]
        assert "Tablette lundi" in titles
        assert ("Tablette demain" in titles) == (today + timedelta(days=1) >= next_monday)
        assert "La semaine prochaine" in results.sessions[0].reasons

    def test_no_result_says_what_to_do(self, bassin):
        results = find_help(HelpQuery(text="xylophone quantique", near=Point(*VIERZON, "Vierzon")))
        assert results.is_empty()
        advice = results.what_to_do()
        assert "Cherchez plus loin : retirez la commune pour voir tout le territoire." in advice
        assert "Consultez l'agenda de tous les ateliers à venir." in advice

    def test_the_phone_of_the_nearest_place_is_proposed(self, bassin):
        _place(bassin, "tel", telephone=["02 48 00 00 00"], title="Mairie de Vierzon")
        results = find_help(HelpQuery(text="xylophone", near=Point(*VIERZON, "Vierzon")))
        assert "Appelez Mairie de Vierzon au 02 48 00 00 00 : on vous orientera." in results.what_to_do()

    def test_an_unknown_commune_is_said(self, db):
        results = find_help(HelpQuery.from_params({"q": "tablette", "pres": "Zzyzx"}))
        assert results.near_not_found
        assert results.what_to_do()[0].startswith("Nous n'avons pas reconnu la commune « Zzyzx »")

    def test_a_kiosk_sees_its_bassin_only(self, bassin):
        other = BassinFactory()
        _place(bassin, "ici", services=[DEMARCHES])
        _place(other, "ailleurs", services=[DEMARCHES])
        results = find_help(HelpQuery(text="démarches", bassin_id=bassin.pk))
        assert [result.structure.slug for result in results.places] == ["ici"]

    def test_a_blank_query_finds_nothing_and_costs_nothing(self, db, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert find_help(HelpQuery()).is_empty()


def _grow(count: int) -> None:
    bassins = list(BassinPage.objects.all()) or [BassinFactory()]
    structures = add_listed_structures(
        bassins,
        count,
        lambda index: {"slug": f"lieu-{count}-{index}", "services": [OUTILS], "has_printer": index % 2 == 0},
    )
    for structure in structures[:count]:
        AtelierFactory(structure=structure, title="Smartphone débutant", start_time=time(14))


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_territory():
    counts = []
    for size in (2, 12):
        _grow(size)
        query = HelpQuery(text="atelier smartfone Issoudun la semaine prochaine")
        find_help(query)  # whatever the cache holds, the index is rebuilt after the signals dropped it
        with CaptureQueriesContext(connection) as warm:
            results = find_help(query)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            find_help(query)
        counts.append((len(cold), len(warm)))
        assert results.places
    assert counts[0] == counts[1]
    assert counts[0] == (8, 3)
