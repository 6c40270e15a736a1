"""Settings for the test suite: the embedded default with the sandboxes' latency off."""

import os

os.environ.setdefault("CAIRKAN_ENV", "test")

from cairkan.config.settings import *  # noqa: F403
from cairkan.config.settings import DATABASES, PASSWORD_HASHERS, VAR_DIR

# Argon2 costs ~0.2 s a hash by design; the suite creates and signs in thousands of
# users. Tests store with a fast hasher, and still check with Argon2 (a stored Argon2
# hash verifies); test_accounts proves production stores with Argon2.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

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
