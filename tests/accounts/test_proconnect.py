"""ProConnect login, end to end against a fake ProConnect on 127.0.0.1 (tests/accounts/oidc_fake.py).

The test client plays the browser: it posts the button's form, follows the redirect to the fake authorize
endpoint by hand (reading state and nonce there), and brings the code back to the callback. allauth itself
fetches discovery, token, JWKS and userinfo from the fake server with `requests`.
"""

import copy
import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.accounts.oidc_fake import FakeProConnect, rsa_key
from tests.outbox.factories import sent_emails

User = get_user_model()
CALLBACK_URL = "http://testserver/comptes/proconnect/login/callback/"
BUTTON = "socialaccount/snippets/proconnect_button.html"
AGENT_EMAIL = "camille.dupont@interieur.gouv.fr"
REFUSED = "Les informations transmises par ProConnect n’ont pas pu être vérifiées"


@pytest.fixture
def proconnect(settings, monkeypatch):
    """The fake ProConnect, and the settings of the real configuration pointing at it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # requests must never route loopback through a proxy
    with FakeProConnect() as fake:
        providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
        providers["proconnect"]["APPS"] = [
            {
                "name": "ProConnect",
                "client_id": fake.client_id,
                "secret": fake.client_secret,
                "settings": {"server_url": fake.issuer, "signing_algorithms": ["RS256"]},
            }
        ]
        settings.SOCIALACCOUNT_PROVIDERS = providers
        yield fake


def authorize(client, proconnect, path=None):
    """Press the button; return the query of the authorize URL the site redirects to."""
    response = client.post(path or reverse("proconnect_login"))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{proconnect.issuer}/authorize"
    return {name: values[0] for name, values in parse_qs(url.query, strict_parsing=True).items()}


def log_in(client, proconnect):
    """The whole round trip; returns the site's answer to ProConnect's redirect back."""
    query = authorize(client, proconnect)
    answer = requests.get(f"{proconnect.issuer}/authorize", params=query, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == CALLBACK_URL
    return client.get(f"{callback.path}?{callback.query}")


def test_login_creates_the_agent_account(client, proconnect, db):
    response = log_in(client, proconnect)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email=AGENT_EMAIL)
    assert (user.first_name, user.last_name) == ("Camille", "Dupont")
    assert user.has_usable_password() is False
    assert client.session["_auth_user_id"] == str(user.pk)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (AGENT_EMAIL, True, True)
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("proconnect", "sub-4f2a9c")
    assert account.extra_data["userinfo"]["uid"] == "cdupont"
    assert account.extra_data["userinfo"]["siret"] == "11000201100044"
    assert account.extra_data["id_token"] == {
        "iss": proconnect.issuer,
        "sub": "sub-4f2a9c",
        "acr": "eidas1",
        "amr": ["pwd"],
        "auth_time": account.extra_data["id_token"]["auth_time"],
    }
    assert account.get_provider_account().to_str() == "Camille Dupont"


def test_authorize_url_carries_proconnect_parameters_only(client, proconnect, db):
    """32-character state and nonce; nothing taken from the query string (ProConnect refuses extras)."""
    login_url = f"{reverse('proconnect_login')}?scope=phone&auth_params=prompt%3Dnone"

    query = authorize(client, proconnect, path=login_url)

    assert set(query) == {"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "claims"}
    assert len(query["state"]) == 32
    assert len(query["nonce"]) == 32
    assert query["client_id"] == "maillage-test"
    assert query["redirect_uri"] == CALLBACK_URL
    assert query["response_type"] == "code"
    assert sorted(query["scope"].split()) == [
        "email",
        "given_name",
        "idp_id",
        "openid",
        "siret",
        "uid",
        "usual_name",
    ]
    assert json.loads(query["claims"]) == {"id_token": {"acr": None, "amr": None}}


def test_each_login_gets_its_own_state_and_nonce(client, proconnect, db):
    first, second = authorize(client, proconnect), authorize(client, proconnect)

    assert first["state"] != second["state"]
    assert first["nonce"] != second["nonce"]


def test_id_token_with_another_nonce_is_refused(client, proconnect, db):
    proconnect.id_token_nonce = "n" * 32

    response = log_in(client, proconnect)

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_userinfo_signed_with_another_key_is_refused(client, proconnect, db):
    proconnect.userinfo_key = rsa_key("someone else")

    response = log_in(client, proconnect)

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("userinfo_format", ["json", "unsigned-jwt"])
def test_unsigned_userinfo_is_refused(client, proconnect, db, userinfo_format):
    proconnect.userinfo_format = userinfo_format

    response = log_in(client, proconnect)

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert User.objects.count() == 0


def test_userinfo_about_another_subject_is_refused(client, proconnect, db):
    """The ID token is built from `identity` at the token call; userinfo is read after: change the sub."""
    original_token = proconnect.token

    def token_then_switch(form):
        answer = original_token(form)
        proconnect.identity = {**proconnect.identity, "sub": "sub-quelquun-d-autre"}
        return answer

    proconnect.token = token_then_switch

    response = log_in(client, proconnect)

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert User.objects.count() == 0


def test_callback_with_a_state_this_browser_never_sent_is_refused(client, proconnect, db):
    """The `state` check: a code delivered to someone else's browser (login CSRF) goes nowhere."""
    authorize(client, proconnect)

    response = client.get(reverse("proconnect_callback"), {"code": "code-vole", "state": "s" * 32})

    assert response.status_code == 401
    assert "L’échange avec ProConnect n’a pas abouti" in response.content.decode()
    assert proconnect.token_requests == []
    assert "_auth_user_id" not in client.session


def test_existing_account_with_the_same_address_is_logged_into(client, proconnect, db):
    user = User.objects.create_user("camille", AGENT_EMAIL, "mot-de-passe-de-test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    response = log_in(client, proconnect)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider="proconnect").user == user
    user.refresh_from_db()
    assert user.check_password("mot-de-passe-de-test") is True


def test_existing_account_with_an_unverified_address_loses_its_password(client, proconnect, db):
    """Someone may have registered the agent's address first: allauth locks that password out, and the
    address must still be confirmed by e-mail (ACCOUNT_EMAIL_VERIFICATION is mandatory) before any login."""
    user = User.objects.create_user("camille", AGENT_EMAIL, "mot-de-passe-de-test")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = log_in(client, proconnect)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.get(provider="proconnect").user == user
    user.refresh_from_db()
    assert user.has_usable_password() is False
    confirmations = [message.to for message in sent_emails() if "/comptes/confirm-email/" in message.body]
    assert confirmations == [[AGENT_EMAIL]]


def test_a_second_login_uses_the_linked_account(client, proconnect, db):
    log_in(client, proconnect)
    client.logout()

    response = log_in(client, proconnect)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_get_on_the_login_url_does_not_leave_the_site(client, proconnect, db):
    response = client.get(reverse("proconnect_login"))

    assert response.status_code == 200
    assert proconnect.authorize_requests == []


def test_button_posts_to_the_login_url(rf, proconnect, db):
    html = render_to_string(BUTTON, request=rf.get("/comptes/login/"))

    assert '<form method="post" action="/comptes/proconnect/login/?process=login">' in html
    assert "S’identifier avec" in html
    assert '<a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener noreferrer"' in html
    assert "Qu’est-ce que ProConnect ?</a>" in html


def test_without_settings_there_is_no_button_and_no_login(client, settings, db):
    """The test settings, like a deployment without MAILLAGE_PROCONNECT_* variables, configure no app."""
    assert settings.SOCIALACCOUNT_PROVIDERS["proconnect"]["APPS"] == []

    html = render_to_string(BUTTON, request=RequestFactory().get("/"))
    login_page = client.get(reverse("account_login"))

    assert html.strip() == ""
    assert login_page.status_code == 200
    assert "ProConnect" not in login_page.content.decode()
    assert client.post(reverse("proconnect_login")).status_code == 404
    assert client.get(reverse("proconnect_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_logout_after_a_proconnect_login_ends_the_proconnect_session(client, proconnect, settings, db):
    settings.MAILLAGE_PROCONNECT_ENABLED = True
    settings.MAILLAGE_PROCONNECT_SERVER_URL = proconnect.issuer
    log_in(client, proconnect)

    response = client.post(reverse("account_logout"))

    url = urlsplit(response["Location"])
    query = {name: values[0] for name, values in parse_qs(url.query, strict_parsing=True).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{proconnect.issuer}/session/end"
    assert sorted(query) == ["id_token_hint", "post_logout_redirect_uri", "state"]
    assert jwt.decode(query["id_token_hint"], options={"verify_signature": False})["sub"] == "sub-4f2a9c"
    assert (len(query["state"]), query["post_logout_redirect_uri"]) == (32, "http://testserver/")
    assert "_auth_user_id" not in client.session


def test_logout_after_a_password_login_stays_on_the_site(client, proconnect, settings, db):
    settings.MAILLAGE_PROCONNECT_ENABLED = True
    settings.MAILLAGE_PROCONNECT_SERVER_URL = proconnect.issuer
    client.force_login(User.objects.create_user("camille", "camille@exemple.fr", "x"))

    response = client.post(reverse("account_logout"))

    assert response["Location"] == "/"
