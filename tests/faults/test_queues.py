"""A calendar server that never answers holds the feeds worker, never an e-mail: feed syncs have their own
queue (`CELERY_TASK_ROUTES`) and their own worker, as in production and under `make run` (Procfile)."""

import re

import pytest

from calendars.models import Feed
from tests.factories import StructureFactory
from tests.faults.helpers import HangingOnce, calendar
from tests.fixtures.http_server import LoopbackServer
from tests.outbox.factories import queued

SYNC = "calendars.tasks.sync_feed_task"
SEND = "outbox.tasks.send_message"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_email_leaves_while_the_feeds_worker_waits_on_a_silent_calendar(start_celery_worker, smtp_sink):
    route = HangingOnce(calendar("atelier-1", "Atelier"))
    server = LoopbackServer({"/agenda.ics": route}).start()
    try:
        feed = Feed.objects.create(
            structure=StructureFactory(), name="Agenda", url=server.url("/agenda.ics"), active=True
        )
        message = queued("awa@exemple.fr")
        feeds = start_celery_worker(pool="prefork", concurrency=1, queues="feeds")
        default = start_celery_worker(queues="default", same_queues_as=feeds, smtp_port=smtp_sink.port)
        sync = feeds.send(SYNC, routed=True, feed_id=feed.pk)
        assert route.first_request.wait(30), feeds.output
        email = default.send(SEND, routed=True, message_id=message.pk)
        default.wait_for(re.escape(f"Task {SEND}[{email}] succeeded") + r".*'envoye'", timeout=60)
        sync_still_running = f"Task {SYNC}[{sync}] succeeded" not in feeds.output
        route.release.set()  # the server hangs up: the sync fails, to be retried later
        default.stop()
        feeds.stop()
    finally:
        route.release.set()
        server.stop()

    assert smtp_sink.recipients() == ["awa@exemple.fr"]
    assert sync_still_running
    assert f"Task {SYNC}[{sync}] received" in feeds.output
    assert sync not in default.output and email not in feeds.output
