"""`absolute_url`: links of e-mails and exports on the site's public address, never a request's host."""

from outbox.links import absolute_url


def test_a_path_is_put_on_the_configured_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org/"

    assert absolute_url("/pro/demandes/") == "https://maillage.example.org/pro/demandes/"
    assert absolute_url() == "https://maillage.example.org"


def test_an_absolute_address_is_kept_as_it_is(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"

    assert absolute_url("https://autre.example.org/agenda/") == "https://autre.example.org/agenda/"
    assert absolute_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000/"
