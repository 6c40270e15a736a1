"""`cairkan face compare` and `cairkan face liveness`: the engine for operators."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, compare, judge_liveness, load_image
from cairkan.biometrics.engine.liveness import CHALLENGE_STEPS
from cairkan.biometrics.engine.matching import NoUsableReference, reference_embedding

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "Check face photos with Cairkan's engine: compare two, or judge a liveness capture."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        comparison = sub.add_parser("compare", help="is PROBE the person in REFERENCE?")
        comparison.add_argument("reference", help="reference photo (registry or enrolment)")
        comparison.add_argument("probe", help="the capture to check")
        liveness = sub.add_parser("liveness", help="did the frames follow the challenge?")
        liveness.add_argument(
            "--challenge",
            required=True,
            help=f"comma-separated steps in order, from: {', '.join(CHALLENGE_STEPS)}",
        )
        liveness.add_argument(
            "frames",
            nargs="+",
            help="one argument per prompt: the frames looking straight, then the frames "
            "after each step (several frames of one prompt: a.jpg,b.jpg)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = (
                self._compare(options["reference"], options["probe"])
                if options["action"] == "compare"
                else self._liveness(options["challenge"], options["frames"])
            )
        except (UnreadableImage, NoUsableReference, ValueError) as exc:
            raise CommandError(str(exc), returncode=INPUT_ERROR) from None
        self.stdout.write(json.dumps(result))

    def _compare(self, reference_path: str, probe_path: str) -> dict[str, object]:
        reference, probe = load_image(reference_path), load_image(probe_path)
        try:
            embedding = reference_embedding(runtime.engine(), reference)
        except NoUsableReference as exc:
            raise NoUsableReference(f"reference {reference_path}: {exc}") from None
        result = compare(
            runtime.engine(), embedding, probe, runtime.thresholds(), runtime.quality_limits()
        )
        return result.as_json()

    def _liveness(self, challenge: str, paths: list[str]) -> dict[str, object]:
        steps = [step.strip() for step in challenge.split(",") if step.strip()]
        unknown = [step for step in steps if step not in CHALLENGE_STEPS]
        if unknown:
            raise ValueError(
                f"unknown challenge step {unknown[0]!r}; use: {', '.join(CHALLENGE_STEPS)}"
            )
        answers = [[load_image(path) for path in group.split(",") if path] for group in paths]
        return judge_liveness(runtime.engine(), answers, steps, runtime.liveness_limits()).as_json()
