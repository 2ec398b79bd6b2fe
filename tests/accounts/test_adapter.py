"""accounts/adapter.py: allauth's e-mails go through the outbox, and a known or unknown address costs the
same work (one e-mail queued, one password hashed on sign-up, no SMTP inside the request)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from tests.accounts.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the passwords it hashes (the slow step of a real hasher)."""

    algorithm = "md5-counted"
    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_adapter.CountingHasher", *settings.PASSWORD_HASHERS]
    CountingHasher.hashed = 0
    return CountingHasher


def sign_up(client, email):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_signup_known_and_new_address_do_the_same_work(client, smtp_sink, hashes):
    VerifiedUserFactory(email="camille@exemple.fr")
    hashes.hashed = 0
    work = []
    for email in ("camille@exemple.fr", "dominique@exemple.fr"):
        before = (Message.objects.count(), hashes.hashed)
        response = sign_up(client, email)
        work.append(
            (
                response.status_code,
                response["Location"],
                Message.objects.count() - before[0],
                hashes.hashed - before[1],
                smtp_sink.recipients(),
            )
        )

    assert work == [(302, reverse("account_email_verification_sent"), 1, 1, [])] * 2
    assert send_due()["sent"] == 2
    assert smtp_sink.recipients() == ["camille@exemple.fr", "dominique@exemple.fr"]


def test_password_reset_known_and_unknown_address_queue_one_email_each(client, smtp_sink):
    VerifiedUserFactory(email="camille@exemple.fr")

    responses = [
        client.post(reverse("account_reset_password"), {"email": email}).status_code
        for email in ("camille@exemple.fr", "inconnu@exemple.fr")
    ]

    assert responses == [302, 302]
    assert smtp_sink.recipients() == []
    assert sorted(Message.objects.values_list("email", "reason", "status")) == [
        ("camille@exemple.fr", "account_password_reset_key", MessageStatus.PENDING),
        ("inconnu@exemple.fr", "account_unknown_account", MessageStatus.PENDING),
    ]


def test_account_email_keeps_allauths_subject_body_and_recipient(client):
    person = VerifiedUserFactory(email="camille@exemple.fr")

    client.post(reverse("account_reset_password"), {"email": "camille@exemple.fr"})

    message = Message.objects.get()
    assert (message.subject, message.user, message.key.startswith("account:password_reset_key:")) == (
        "[Maillage] Choisir un nouveau mot de passe",
        person,
        True,
    )
    assert "/comptes/password/reset/key/" in message.body_text


def test_account_links_carry_the_sites_public_address_not_the_requests_host(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"
    VerifiedUserFactory(email="ines@exemple.fr")

    client.post(reverse("account_reset_password"), {"email": "ines@exemple.fr"}, HTTP_HOST="localhost")
    sign_up(client, "nouvelle@exemple.fr")

    bodies = [message.body_text for message in Message.objects.order_by("pk")]
    assert len(bodies) == 2
    assert all("https://maillage.example.org/comptes/" in body for body in bodies)
    assert not any("localhost" in body or "testserver" in body for body in bodies)
