"""The demo territory (places and their ateliers), loaded once per module and rolled back at its end."""

import pytest
from django.db import transaction

from events.demo import load_demo_ateliers
from network.demo import load_demo_territory


@pytest.fixture(scope="module")
def demo_territory(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_territory(accounts=False)
            load_demo_ateliers()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
