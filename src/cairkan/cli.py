"""The ``cairkan`` command: Django's management entry point with Cairkan's settings.

Commands are spelled with hyphens on the command line (``cairkan seed-demo``) and with
underscores as Python modules (``seed_demo.py``); this maps the one to the other.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
