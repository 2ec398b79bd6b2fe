"""The Celery application, configured from Django settings (the `CELERY_` namespace).

Tasks live in each app's `tasks.py` and are found by `autodiscover_tasks()`. The broker is Redis when
`CELERY_BROKER_URL` names one, else Celery's filesystem transport under `var/` (see settings).
"""

import gc
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("maillage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def freeze_startup_objects(**_kwargs) -> None:
    """Move what the worker holds once started (Django set up, every `tasks` module imported) out of the
    garbage collector's sight, with the public `gc.freeze()`.

    Why: a worker lives for days with some 250,000 long-lived objects (models, fields, URL patterns,
    icalendar's and Django's modules) that never become garbage. A task that keeps many objects alive a
    moment (a calendar sync builds thousands of ateliers and sessions) triggers full collections, and each
    of them walked all of those objects again: a sixth of a first import went there. Frozen objects are
    never collected nor walked; everything made later, tasks included, is collected as usual.

    `worker_init` is sent once the task modules are imported and before the pool starts, in the process
    that runs the tasks with the threads or solo pool; prefork children inherit the frozen set, as Python
    recommends before a fork (it also keeps their memory pages shared). `bench/feed_sync.py` calls this
    at the same point of its own start, so that it measures the sync as the worker runs it.
    """
    gc.collect()
    gc.freeze()
