"""The Celery application, configured from Django settings (the `CELERY_` namespace).

Tasks live in each app's `tasks.py` and are found by `autodiscover_tasks()`. The broker is Redis when
`CELERY_BROKER_URL` names one, else Celery's filesystem transport under `var/` (see settings).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("maillage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
