"""``cairkan rules decide``: decide claims given as JSON on stdin (contract: docs/rules.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairkan.jht import InvalidCase, decide_many, parse_case

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "Apply the JHT rules to claims. See docs/rules.md for the JSON contract."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        decide = sub.add_parser(
            "decide",
            help="read a claim (JSON object) or a list of them from stdin, write decisions",
        )
        decide.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.read()
        if not raw.strip():
            raise CommandError(
                "stdin is empty: give a JSON object or a list of them", returncode=INPUT_ERROR
            )
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"stdin is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                returncode=INPUT_ERROR,
            ) from None
        single = not isinstance(data, list)
        items = [data] if single else data
        cases, errors = [], []
        for index, item in enumerate(items):
            try:
                cases.append(parse_case(item, prefix="" if single else f"[{index}]."))
            except InvalidCase as exc:
                errors.extend(exc.errors)
        if errors:
            lines = "\n".join(f"  {e.field}: {e.message}" for e in errors)
            raise CommandError(f"invalid input, nothing decided:\n{lines}", returncode=INPUT_ERROR)
        decisions = [d.as_json() for d in decide_many(cases)]
        output = decisions[0] if single else decisions
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=options["indent"]))
