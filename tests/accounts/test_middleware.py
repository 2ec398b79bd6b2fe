"""accounts/middleware.py: coordinators and administrators set up TOTP before anything else."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from network import domain
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, activate_totp, make_coordinator, totp_code
from tests.factories import StructureFactory

ACTIVATE_URL = "/comptes/2fa/totp/activate/"
ACCOUNT_URL = "/comptes/mon-compte/"


@pytest.fixture
def coordinator(db):
    return make_coordinator()


@pytest.mark.parametrize("path", ["/admin/", ACCOUNT_URL, "/admin/pages/"])
def test_coordinator_without_totp_is_sent_to_activation(client, coordinator, path):
    client.force_login(coordinator)

    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_URL)


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}])
def test_administrator_without_totp_is_sent_to_activation(client, db, flags):
    client.force_login(VerifiedUserFactory(**flags))

    response = client.get("/admin/")

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_URL)


def test_redirect_explains_why_in_french(client, coordinator):
    client.force_login(coordinator)

    response = client.get(ACCOUNT_URL)

    assert [message.message for message in get_messages(response.wsgi_request)] == [
        "Vous coordonnez un bassin ou administrez Maillage : vous pouvez modifier les fiches de nombreuses "
        "structures. Pour protéger ce compte, activez d'abord la double authentification avec une "
        "application sur votre téléphone. Cela prend deux minutes."
    ]


def test_post_is_redirected_without_acting(client, coordinator):
    client.force_login(coordinator)

    response = client.post(ACCOUNT_URL, {"first_name": "Pirate", "last_name": "Pirate"})

    coordinator.refresh_from_db()
    assert (response.status_code, response["Location"], coordinator.first_name) == (
        302,
        ACTIVATE_URL,
        "Camille",
    )


def test_coordinator_with_totp_uses_admin_and_account(client, coordinator):
    activate_totp(coordinator)
    client.force_login(coordinator)

    statuses = [client.get("/admin/").status_code, client.get(ACCOUNT_URL).status_code]

    assert statuses == [200, 200]


def test_plain_member_is_never_forced(client, db):
    member = VerifiedUserFactory()
    domain.add_member(structure=StructureFactory(), user=member)
    client.force_login(member)

    statuses = [client.get(ACCOUNT_URL).status_code, client.get("/admin/").status_code]

    assert statuses == [200, 200]


@pytest.mark.parametrize(
    "name", ["mfa_index", "account_email", "account_email_verification_sent", "account_logout"]
)
def test_setup_pages_stay_open(client, coordinator, name):
    client.force_login(coordinator)

    response = client.get(reverse(name))

    assert response.status_code == 200


def test_activation_page_leads_to_reauthentication_not_a_loop(client, coordinator):
    client.force_login(coordinator)

    activation = client.get(ACTIVATE_URL)
    reauthentication = client.get(activation["Location"])

    assert activation["Location"].startswith(reverse("account_reauthenticate"))
    assert reauthentication.status_code == 200


def test_logout_works_without_totp(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("account_logout"))

    assert (response.status_code, response["Location"], "_auth_user_id" in client.session) == (
        302,
        "/",
        False,
    )


def test_exempt_paths_setting_lets_a_path_through(client, coordinator, settings):
    settings.MAILLAGE_MFA_EXEMPT_PATHS = [ACCOUNT_URL]
    client.force_login(coordinator)

    response = client.get(ACCOUNT_URL)

    assert response.status_code == 200


def test_setting_off_lets_everyone_through(client, coordinator, settings):
    settings.MAILLAGE_MFA_REQUIRED = False
    client.force_login(coordinator)

    response = client.get(ACCOUNT_URL)

    assert response.status_code == 200


def test_anonymous_visitor_goes_to_login_not_to_mfa(client, db):
    response = client.get(ACCOUNT_URL)

    assert (response.status_code, response["Location"]) == (302, f"/comptes/login/?next={ACCOUNT_URL}")


def test_coordinator_activates_totp_through_the_real_pages_then_reaches_admin(client, coordinator, log_in):
    log_in(client, coordinator)
    blocked = client.get("/admin/")
    to_activation = client.get(blocked["Location"])
    client.post(to_activation["Location"], {"password": PASSWORD})
    form = client.get(ACTIVATE_URL)

    activated = client.post(ACTIVATE_URL, {"code": totp_code(client.session["mfa.totp.secret"])})

    assert (blocked["Location"], form.status_code) == (ACTIVATE_URL, 200)
    assert to_activation["Location"] == "/comptes/reauthenticate/?next=%2Fcomptes%2F2fa%2Ftotp%2Factivate%2F"
    assert (activated.status_code, activated["Location"]) == (302, reverse("mfa_view_recovery_codes"))
    assert client.get("/admin/").status_code == 200
