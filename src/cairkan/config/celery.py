"""The Celery application. With no broker configured, tasks run inline (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")

app = Celery("cairkan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
