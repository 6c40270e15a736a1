"""Settings for the test suite: the embedded default with the sandboxes' latency off."""

import os

os.environ.setdefault("CAIRKAN_ENV", "test")

from cairkan.config.settings import *  # noqa: F403
