"""Settings of the Celery worker started by tests/digest/test_worker.py: the test settings, with e-mail sent
by SMTP to the test's sink and tasks on the test's own queue (another worker on the same Redis never takes
them)."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("MAILLAGE_TEST_SMTP_PORT", "25"))
EMAIL_TIMEOUT = 5
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("MAILLAGE_TEST_QUEUE", "celery")
