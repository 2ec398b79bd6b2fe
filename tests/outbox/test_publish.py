"""Publishing a task after the commit: a broker that is down is logged, never raised at the user."""

import logging

import pytest
from kombu.exceptions import OperationalError

from outbox import publish
from outbox.tasks import send_message


@pytest.fixture
def published(monkeypatch):
    calls = []
    monkeypatch.setattr(send_message, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def test_publish_on_commit_waits_for_the_commit(db, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish.publish_on_commit(send_message, message_id=7)

    assert published == []
    callbacks[0]()
    assert published == [{"message_id": 7}]


@pytest.mark.parametrize(
    "error", [OperationalError("Connection refused"), ConnectionRefusedError(111, "refused")]
)
def test_publish_logs_a_broker_that_is_down_and_says_so(monkeypatch, caplog, error):
    def broker_down(**kwargs):
        raise error

    monkeypatch.setattr(send_message, "delay", broker_down)

    with caplog.at_level(logging.WARNING, logger="outbox.publish"):
        assert publish.publish(send_message, message_id=7) is False

    assert [record.getMessage() for record in caplog.records] == [
        "outbox.tasks.send_message{'message_id': 7} left to its periodic task, "
        f"the broker is unreachable: {error}"
    ]


def test_publish_lets_other_errors_through(monkeypatch):
    def bug(**kwargs):
        raise TypeError("unexpected keyword")

    monkeypatch.setattr(send_message, "delay", bug)

    with pytest.raises(TypeError):
        publish.publish(send_message, message_id=7)
