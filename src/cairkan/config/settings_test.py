"""Settings for the test suite: the embedded default with the sandboxes' latency off."""

import os

os.environ.setdefault("CAIRKAN_ENV", "test")

from cairkan.config.settings import *  # noqa: F403
from cairkan.config.settings import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, as in production: the in-memory test database shares one cache and fails
    # concurrent writers at once ("table is locked") instead of queueing them (WAL + busy
    # timeout), so concurrency tests would test the wrong thing.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # A throwaway database needs no durability.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )

# Uploaded claim documents of the test run, apart from the demo's.
MEDIA_ROOT = VAR_DIR / "test-media"

# Messages reach an in-memory stand-in for the member's phone, where tests read codes.
CAIRKAN_NOTIFICATION_SENDER = "cairkan.notifications.senders.MemorySender"
