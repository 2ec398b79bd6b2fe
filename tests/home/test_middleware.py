"""Development's « Page introuvable » (home/middleware.py): ours, not Django's technical 404."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from home.middleware import FriendlyNotFoundMiddleware

pytestmark = pytest.mark.django_db


def middleware():
    return FriendlyNotFoundMiddleware(lambda request: HttpResponse("ok"))


def test_not_found_in_development_is_the_sites_page(settings):
    settings.DEBUG = True

    response = middleware().process_exception(RequestFactory().get("/nulle-part/"), Http404("nulle part"))

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_technical_page_on_request(settings):
    settings.DEBUG = True
    settings.MAILLAGE_TECHNICAL_404 = True

    assert middleware().process_exception(RequestFactory().get("/nulle-part/"), Http404()) is None


def test_other_errors_are_left_to_django(settings):
    settings.DEBUG = True

    assert middleware().process_exception(RequestFactory().get("/"), ValueError("boom")) is None


def test_development_settings_list_the_middleware():
    from config.settings import dev

    assert dev.MIDDLEWARE[-1] == "home.middleware.FriendlyNotFoundMiddleware"
