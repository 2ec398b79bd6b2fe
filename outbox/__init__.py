"""The outbox: every e-mail Maillage sends itself, as a row first, then sent once by Celery.

A bottom layer: it imports nothing from the project's other apps, which call `outbox.queue.queue_email`.
"""
