"""Settings, URLs and the Celery application (loaded with Django, so ``shared_task``
binds to it and reads its CELERY_* settings)."""

from cairkan.config.celery import app as celery_app

__all__ = ["celery_app"]
