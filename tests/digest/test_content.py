"""What a letter holds: the reader's bassins, themes and publics; pro events for members only; news since
the last letter; new members as their profile allows; and a query count that does not grow with readers."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digest.content import build_digests
from digest.models import DeliveryStatus
from events import enums
from events.domain import cancel_session, update_session
from events.models import Atelier
from network.models import MemberProfile, ProfileVisibility, StructurePage
from tests.digest.factories import DeliveryFactory, SubscriptionFactory, day_of, member_of
from tests.factories import AtelierFactory, StructureFactory, UserFactory

NUMERIQUE = enums.Theme.OUTILS_QUOTIDIEN.value


def digest_of(subscription, week):
    [(_subscription, digest)] = build_digests(subscriptions=[subscription], week=week)
    return digest


def titles(digest) -> list[str]:
    return [
        entry.session.title for section in digest.bassins for day in section.days for entry in day.entries
    ]


def test_letter_holds_only_the_chosen_bassins_grouped_by_bassin_then_day(
    week, mediatheque, epn_vierzon, bourges
):
    AtelierFactory(structure=mediatheque, title="Tablette (jeudi)", start_date=day_of(week, 3))
    AtelierFactory(structure=mediatheque, title="Tablette (mardi)", start_date=day_of(week, 1))
    AtelierFactory(structure=epn_vierzon, title="Vierzon", start_date=day_of(week, 1))
    subscription = SubscriptionFactory(bassins=[bourges])

    digest = digest_of(subscription, week)

    assert [section.bassin.title for section in digest.bassins] == ["Bassin de Bourges"]
    assert [(day.day, [e.session.title for e in day.entries]) for day in digest.bassins[0].days] == [
        (day_of(week, 1), ["Tablette (mardi)"]),
        (day_of(week, 3), ["Tablette (jeudi)"]),
    ]


def test_no_bassin_chosen_means_the_whole_region(week, mediatheque, epn_vierzon):
    AtelierFactory(structure=mediatheque, title="Bourges", start_date=day_of(week, 1))
    AtelierFactory(structure=epn_vierzon, title="Vierzon", start_date=day_of(week, 2))

    digest = digest_of(SubscriptionFactory(), week)

    assert [section.bassin.title for section in digest.bassins] == ["Bassin de Bourges", "Bassin de Vierzon"]


def test_sessions_after_fourteen_days_are_left_out(week, mediatheque):
    AtelierFactory(structure=mediatheque, title="Dans deux semaines", start_date=day_of(week, 13))
    AtelierFactory(structure=mediatheque, title="Trop tard", start_date=day_of(week, 14))

    assert titles(digest_of(SubscriptionFactory(), week)) == ["Dans deux semaines"]


def test_themes_filter_keeps_ateliers_with_any_chosen_theme(week, mediatheque):
    themes = [value for value, _label in enums.Theme.choices]
    AtelierFactory(
        structure=mediatheque, title="Premier thème", themes=[themes[0]], start_date=day_of(week, 1)
    )
    AtelierFactory(structure=mediatheque, title="Deux thèmes", themes=themes[1:3], start_date=day_of(week, 2))
    AtelierFactory(structure=mediatheque, title="Autre thème", themes=[themes[4]], start_date=day_of(week, 3))

    digest = digest_of(SubscriptionFactory(themes=[themes[0], themes[2]]), week)

    assert titles(digest) == ["Premier thème", "Deux thèmes"]


def test_publics_filter_always_keeps_tous_publics(week, mediatheque):
    AtelierFactory(structure=mediatheque, title="Seniors", publics=["Seniors"], start_date=day_of(week, 1))
    AtelierFactory(structure=mediatheque, title="Jeunes", publics=["Jeunes"], start_date=day_of(week, 2))
    AtelierFactory(
        structure=mediatheque, title="Pour tous", publics=[enums.TOUS_PUBLICS], start_date=day_of(week, 3)
    )

    digest = digest_of(SubscriptionFactory(publics=["Seniors"]), week)

    assert titles(digest) == ["Seniors", "Pour tous"]


def test_pro_events_go_to_members_who_want_them_and_never_to_others(week, mediatheque, bourges):
    AtelierFactory(structure=mediatheque, title="Atelier public", start_date=day_of(week, 1))
    AtelierFactory(
        structure=mediatheque, title="Formation", kind=enums.Kind.FORMATION, start_date=day_of(week, 2)
    )
    AtelierFactory(
        structure=mediatheque,
        title="Atelier réservé",
        visibility=enums.Visibility.PROFESSIONALS,
        start_date=day_of(week, 20),
    )
    member = SubscriptionFactory(user=member_of(mediatheque), include_pro=True)
    member_without_pro = SubscriptionFactory(user=member_of(mediatheque), include_pro=False)
    public = SubscriptionFactory(include_pro=True)

    digests = dict(build_digests(subscriptions=[member, member_without_pro, public], week=week))

    def pro_titles(subscription):
        return [entry.session.title for day in digests[subscription].pro_days for entry in day.entries]

    assert pro_titles(member) == ["Formation", "Atelier réservé"]
    assert pro_titles(member_without_pro) == []
    assert pro_titles(public) == []
    assert [titles(digests[s]) for s in (member, member_without_pro, public)] == [["Atelier public"]] * 3


def test_places_left_full_and_cancelled_are_told(week, mediatheque):
    first = day_of(week, 1)
    atelier = AtelierFactory(
        structure=mediatheque, title="Série", capacity=8, rrule="FREQ=DAILY;COUNT=3", start_date=first
    )
    start = timezone.make_aware(timezone.datetime.combine(first, atelier.start_time))
    update_session(atelier=atelier, original_start=start, seats_taken=5)
    update_session(atelier=atelier, original_start=start + timedelta(days=1), seats_taken=8)
    cancel_session(atelier=atelier, original_start=start + timedelta(days=2))

    digest = digest_of(SubscriptionFactory(), week)

    sessions = [entry.session for day in digest.bassins[0].days for entry in day.entries]
    assert [(s.places_left, s.is_full, s.is_cancelled) for s in sessions] == [
        (3, False, False),
        (0, True, False),
        (8, False, True),
    ]


def test_new_changed_and_cancelled_since_the_last_letter_sent(week, mediatheque):
    subscription = SubscriptionFactory()
    last_letter = timezone.now() - timedelta(days=3)
    DeliveryFactory(
        subscription=subscription, week="2000-W01", status=DeliveryStatus.SENT, sent_at=last_letter
    )
    old = AtelierFactory(structure=mediatheque, title="Ancien", start_date=day_of(week, 1))
    changed = AtelierFactory(structure=mediatheque, title="Modifié", start_date=day_of(week, 2))
    cancelled = AtelierFactory(structure=mediatheque, title="Annulé", start_date=day_of(week, 3))
    AtelierFactory(structure=mediatheque, title="Nouveau", start_date=day_of(week, 4))
    before = last_letter - timedelta(days=10)
    Atelier.objects.filter(pk__in=[old.pk, changed.pk, cancelled.pk]).update(
        created_at=before, updated_at=before
    )
    Atelier.objects.filter(pk=changed.pk).update(updated_at=timezone.now())
    cancel_session(
        atelier=cancelled,
        original_start=timezone.make_aware(timezone.datetime.combine(day_of(week, 3), cancelled.start_time)),
    )

    digest = digest_of(subscription, week)

    entries = [entry for day in digest.bassins[0].days for entry in day.entries]
    assert [(e.session.title, e.is_new, e.is_changed, e.session.is_cancelled) for e in entries] == [
        ("Ancien", False, False, False),
        ("Modifié", False, True, False),
        ("Annulé", False, True, True),
        ("Nouveau", True, False, False),
    ]
    assert [entry.session.title for entry in digest.changes] == ["Modifié", "Annulé"]
    assert digest.new_ateliers == []  # flagged « Nouveau » in the agenda already, not listed twice


def test_new_atelier_starting_after_the_fortnight_is_still_announced(week, mediatheque):
    AtelierFactory(structure=mediatheque, title="Cycle d'été", start_date=day_of(week, 40))

    digest = digest_of(SubscriptionFactory(), week)

    assert [(a.title, a.next_start.date()) for a in digest.new_ateliers] == [
        ("Cycle d'été", day_of(week, 40))
    ]
    assert digest.is_empty is False


def test_new_structures_of_my_bassins_since_the_last_letter(week, bourges, vierzon):
    StructureFactory(bassin=bourges, title="Nouveau lieu à Bourges", slug="nouveau-bourges")
    StructureFactory(bassin=vierzon, title="Nouveau lieu à Vierzon", slug="nouveau-vierzon")

    digest = digest_of(SubscriptionFactory(bassins=[bourges]), week)

    assert [(s.title, s.url) for s in digest.new_structures] == [
        ("Nouveau lieu à Bourges", "http://127.0.0.1:8000/bourges/nouveau-bourges/")
    ]


def test_new_members_respect_profile_visibility(week, mediatheque, epn_vierzon, bourges, vierzon):
    def newcomer(structure, name, visibility):
        user = member_of(structure, UserFactory(first_name=name, last_name="Durand"))
        if visibility is not None:
            MemberProfile.objects.create(user=user, visibility=visibility, job_title="Médiatrice")
        return user

    newcomer(mediatheque, "Réseau", ProfileVisibility.NETWORK)
    newcomer(mediatheque, "Bassin", ProfileVisibility.BASSIN)
    newcomer(mediatheque, "Masqué", ProfileVisibility.HIDDEN)
    newcomer(mediatheque, "Sans profil", None)
    same_bassin = SubscriptionFactory(user=member_of(StructureFactory(bassin=bourges)), bassins=[bourges])
    other_bassin = SubscriptionFactory(user=member_of(epn_vierzon), bassins=[bourges, vierzon])
    not_member = SubscriptionFactory(bassins=[bourges])

    digests = dict(build_digests(subscriptions=[same_bassin, other_bassin, not_member], week=week))

    assert [m.name for m in digests[same_bassin].new_members] == [
        "Réseau Durand",
        "Bassin Durand",
        "Sans profil Durand",
    ]
    assert [m.name for m in digests[other_bassin].new_members] == ["Réseau Durand"]
    assert digests[not_member].new_members == []


def test_nothing_to_read_makes_an_empty_letter(week, mediatheque, bourges):
    subscription = SubscriptionFactory(bassins=[bourges], themes=[enums.Theme.choices[5][0]])
    AtelierFactory(structure=mediatheque, themes=[enums.Theme.choices[0][0]], start_date=day_of(week, 1))
    Atelier.objects.update(created_at=timezone.now() - timedelta(days=60))
    StructurePage.objects.update(first_published_at=timezone.now() - timedelta(days=60))

    digest = digest_of(subscription, week)

    assert (digest.is_empty, digest.sessions_count, digest.new_structures) == (True, 0, [])


def test_sessions_beyond_the_bassin_limit_are_counted_with_a_link(week, mediatheque, settings, bourges):
    settings.DIGEST = {**settings.DIGEST, "SESSIONS_PER_BASSIN": 2}
    AtelierFactory(structure=mediatheque, rrule="FREQ=DAILY;COUNT=5", start_date=day_of(week, 1))

    digest = digest_of(SubscriptionFactory(themes=[NUMERIQUE]), week)

    section = digest.bassins[0]
    assert (digest.sessions_count, sum(len(day.entries) for day in section.days), section.more) == (5, 2, 3)
    assert section.agenda_url == (
        f"http://127.0.0.1:8000/bassins/bourges/agenda/?du={day_of(week, 0)}&au={day_of(week, 13)}"
        "&theme=Ma%C3%AEtrise+des+outils+num%C3%A9riques+du+quotidien"
    )


def _territory_with_readers(count, bassins, structures):
    readers = []
    for index in range(count):
        structure = structures[index % len(structures)]
        user = member_of(structure) if index % 2 else UserFactory()
        readers.append(
            SubscriptionFactory(
                user=user,
                bassins=[bassins[index % len(bassins)]] if index % 3 else [],
                publics=["Seniors"] if index % 4 == 0 else [],
            )
        )
    return readers


def test_query_count_of_a_chunk_does_not_grow_with_its_readers(
    week, bourges, vierzon, mediatheque, epn_vierzon
):
    structures = [mediatheque, epn_vierzon]
    for index, structure in enumerate(structures * 3):
        AtelierFactory(structure=structure, start_date=day_of(week, index), capacity=10)
    AtelierFactory(structure=mediatheque, kind=enums.Kind.RESEAU, start_date=day_of(week, 3))
    readers = _territory_with_readers(50, [bourges, vierzon], structures)
    for subscription in readers[:10]:
        DeliveryFactory(
            subscription=subscription, week="2000-W01", status=DeliveryStatus.SENT, sent_at=timezone.now()
        )

    counts = []
    for chunk in (readers[:5], readers):
        chunk = [type(s).objects.select_related("user").get(pk=s.pk) for s in chunk]
        with CaptureQueriesContext(connection) as captured:
            digests = build_digests(subscriptions=chunk, week=week)
        counts.append(len(captured.captured_queries))
        assert len(digests) == len(chunk)

    assert counts == [12, 12]
