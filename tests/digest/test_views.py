"""Pages of the letter: preferences, one-click unsubscribe (RFC 8058), previews, reactivation, and the
« Mon compte » block."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from digest.content import build_digests
from digest.models import Frequency, Subscription
from digest.render import preview_token, render_parts, unsubscribe_token
from events import enums
from tests.digest.factories import SubscriptionFactory, day_of, member_of
from tests.factories import AtelierFactory, UserFactory


@pytest.fixture
def subscription(db, bourges):
    return SubscriptionFactory(user=UserFactory(email="lectrice@exemple.fr"), bassins=[bourges])


def unsubscribe_url(subscription) -> str:
    return f"/lettre/desabonnement/{unsubscribe_token(subscription.pk)}/"


# Unsubscribe


def test_one_click_post_unsubscribes_without_login_or_csrf_token(subscription):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_url(subscription),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    subscription.refresh_from_db()
    assert response.status_code == 200
    assert subscription.frequency == Frequency.NONE
    assert subscription.unsubscribed_at is not None
    assert "ne recevra plus la lettre" in response.content.decode()


def test_get_asks_for_confirmation_and_does_not_unsubscribe(subscription, client):
    response = client.get(unsubscribe_url(subscription))

    subscription.refresh_from_db()
    assert response.status_code == 200
    assert subscription.frequency == Frequency.WEEKLY
    assert "Confirmer mon désabonnement" in response.content.decode()
    assert (response["Referrer-Policy"], response["X-Robots-Tag"]) == ("no-referrer", "noindex")


def test_forged_unsubscribe_token_is_refused(subscription, client):
    response = client.post(f"/lettre/desabonnement/{subscription.pk}:forged/")

    subscription.refresh_from_db()
    assert (response.status_code, subscription.frequency) == (404, Frequency.WEEKLY)


# Preferences


def test_preferences_need_a_signed_in_person(client, db):
    response = client.get("/lettre/preferences/")

    assert response.status_code == 302
    assert "/comptes/" in response["Location"]


def test_preferences_start_from_the_bassins_of_my_structures(client, mediatheque, bourges):
    user = member_of(mediatheque)
    client.force_login(user)

    response = client.get("/lettre/preferences/")

    subscription = Subscription.objects.get(user=user)
    html = response.content.decode()
    assert (subscription.frequency, list(subscription.bassins.all())) == (Frequency.WEEKLY, [bourges])
    assert html.count("<fieldset") == 5
    assert "<legend>Bassins de vie</legend>" in html
    assert 'name="include_pro"' in html


def test_someone_who_is_not_a_member_starts_without_the_letter_and_without_pro_choice(client, db):
    user = UserFactory()
    client.force_login(user)

    response = client.get("/lettre/preferences/")

    assert Subscription.objects.get(user=user).frequency == Frequency.NONE
    assert 'name="include_pro"' not in response.content.decode()


def test_preferences_are_saved(client, subscription, vierzon):
    client.force_login(subscription.user)
    theme = enums.Theme.choices[0][0]

    response = client.post(
        "/lettre/preferences/",
        {"frequency": Frequency.WEEKLY, "bassins": [vierzon.pk], "themes": [theme], "publics": ["Seniors"]},
    )

    subscription.refresh_from_db()
    assert response.status_code == 302
    assert (list(subscription.bassins.all()), subscription.themes, subscription.publics) == (
        [vierzon],
        [theme],
        ["Seniors"],
    )


# Previews


def test_browser_view_renders_the_same_html_as_the_email(client, subscription, mediatheque, week):
    AtelierFactory(structure=mediatheque, title="Atelier tablette", start_date=day_of(week, 1))
    [(_subscription, digest)] = build_digests(subscriptions=[subscription], week=week)
    _text, html = render_parts(digest)

    response = client.get(f"/lettre/apercu/{preview_token(subscription.pk, week)}/")

    assert response.status_code == 200
    assert response.content.decode() == html


def test_next_letter_preview_for_a_signed_in_person(client, subscription, mediatheque):
    AtelierFactory(structure=mediatheque, title="Atelier de la semaine prochaine")
    client.force_login(subscription.user)

    response = client.get("/lettre/apercu/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aperçu : voici la lettre que vous recevriez lundi" in html


# Pause and « Mon compte »


def paused(subscription):
    subscription.consecutive_failures = 5
    subscription.failing_since = timezone.make_aware(timezone.datetime(2027, 3, 1, 7, 30))
    subscription.save()
    subscription.pause(reason="550 5.1.1 Adresse inconnue")
    return subscription


def render_account_block(user) -> str:
    request = RequestFactory().get("/comptes/mon-compte/")
    request.user = user
    return render_to_string("digest/includes/account_block.html", {"user": user}, request=request)


def test_account_block_tells_why_sending_is_paused_and_offers_reactivation(subscription):
    html = render_account_block(paused(subscription).user)

    assert (
        "Vos envois sont suspendus car l'adresse lectrice@exemple.fr refuse nos messages "
        "depuis le 1er mars 2027." in " ".join(html.split())
    )
    assert "Réactiver" in html
    assert 'action="/lettre/reactiver/"' in html


def test_account_block_shows_frequency_and_next_sending_day(subscription):
    html = " ".join(render_account_block(subscription.user).split())

    assert "Chaque semaine, le lundi matin" in html
    assert "Prochain envoi" in html and "lundi" in html.lower() and "vers 7 h 30" in html


def test_reactivate_lifts_the_pause(client, subscription):
    paused(subscription)
    client.force_login(subscription.user)

    response = client.post("/lettre/reactiver/", {"next": "/comptes/mon-compte/"})

    subscription.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/comptes/mon-compte/")
    assert (subscription.is_paused, subscription.consecutive_failures, subscription.pause_reason) == (
        False,
        0,
        "",
    )


def test_mon_compte_shows_the_letter_block_and_the_export_holds_the_history(client, subscription):
    paused(subscription)
    client.force_login(subscription.user)

    page = client.get("/comptes/mon-compte/")
    export = client.get("/comptes/mon-compte/donnees.json")

    html = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert '<h2 id="compte-lettre">Lettre hebdomadaire</h2>' in html
    assert "refuse nos messages depuis le 1er mars 2027" in html
    assert export.status_code == 200
    assert export.json()["digest"]["preferences"]["pause_reason"] == "550 5.1.1 Adresse inconnue"
