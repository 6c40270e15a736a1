"""``cairkan prune``: enforce the retention table (docs/retention.md).

Run it daily (cron or a Celery beat task). Each app says what of its own it deletes, in
its ``retention.py`` (``prune(*, now) -> {what: count}``); this command runs them all in
the order of INSTALLED_APPS, then deletes files under the media root that no record
names any more and gives every remaining file and folder owner-only permissions.
Audit records (face events, claim events, filed claims and their documents, who was
sent which message) are never pruned.
"""

from __future__ import annotations

import stat
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

# A file is written before the transaction naming it commits: a younger file without a
# record may be one being saved right now.
ORPHAN_GRACE = timedelta(days=1)
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class Command(BaseCommand):
    help = "Delete what the retention table (docs/retention.md) no longer keeps, files included."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        removed: dict[str, int] = {}
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "retention"):
                removed.update(import_module(f"{app_config.name}.retention").prune(now=now))
        removed["orphan files"] = sweep_media(Path(settings.MEDIA_ROOT), now=now)
        self.stdout.write(", ".join(f"{count} {what}" for what, count in removed.items()))


def _named_files() -> set[str]:
    """Every file name a FileField of any model holds."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                named = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                names.update(name for name in named if name)
    return names


def sweep_media(root: Path, *, now: datetime) -> int:
    """Delete files under ``root`` that no record names (older than the grace period);
    make what stays readable by the service's user only."""
    if not root.is_dir():
        return 0
    named = _named_files()
    oldest = (now - ORPHAN_GRACE).timestamp()
    deleted = 0
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            continue  # never follow a link out of the media root
        if stat.S_ISDIR(info.st_mode):
            path.chmod(PRIVATE_DIR)
        elif path.relative_to(root).as_posix() not in named and info.st_mtime < oldest:
            path.unlink()
            deleted += 1
        else:
            path.chmod(PRIVATE_FILE)
    root.chmod(PRIVATE_DIR)
    return deleted
