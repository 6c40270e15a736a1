"""Active liveness: did a live person follow the server's random challenge?

The server issues a short random sequence of steps (turn left, turn right, come closer);
the camera page sends several frames of one capture; here the frames are judged by
head pose from the 5-point landmarks, in order, with the same identity throughout.
A photo held up to the camera cannot turn its head, so every challenge includes a turn.
What this does not stop is in docs/face.md ("What liveness does not prove").
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from cairkan.biometrics.engine.faces import Embedding, Face, FaceEngine, distance
from cairkan.biometrics.engine.images import RGBImage

CHALLENGE_STEPS = ("turn_left", "turn_right", "come_closer")
TURNS = ("turn_left", "turn_right")
LIVENESS_REASONS = (
    "ok",
    "too_few_frames",
    "no_face",
    "multiple_faces",
    "challenge_not_met",
    "identity_changed",
)


@dataclass(frozen=True, slots=True)
class LivenessLimits:
    turn: float = 0.15  # change in yaw from the first frame (docs/face.md)
    closer: float = 1.2  # face width growth for "come closer"
    # Frames of one capture are much closer than different photos; impostors begin at
    # 0.546 in docs/face.md, so a look-alike swapped in mid-capture must stay above this.
    same_person: float = 0.45  # embedding distance between frames of one capture
    min_frames: int = 3


@dataclass(frozen=True, slots=True)
class LivenessResult:
    live: bool
    reason: str
    # The most frontal frame and its embedding: the probe for the identity match.
    probe_index: int | None = None
    probe_embedding: Embedding | None = None

    def as_json(self) -> dict[str, object]:
        return {"live": self.live, "reason": self.reason}


def random_challenge(rng: random.Random | None = None, length: int = 2) -> tuple[str, ...]:
    """A random sequence with at least one turn and no step twice in a row."""
    rng = rng or random.SystemRandom()
    steps = [rng.choice(TURNS)]
    while len(steps) < length:
        steps.append(rng.choice([s for s in CHALLENGE_STEPS if s != steps[-1]]))
    rng.shuffle(steps)
    return tuple(steps)


def _meets(step: str, face: Face, first: Face, limits: LivenessLimits) -> bool:
    if step == "turn_left":
        return face.yaw - first.yaw >= limits.turn
    if step == "turn_right":
        return first.yaw - face.yaw >= limits.turn
    return face.width >= limits.closer * first.width


def judge_liveness(
    engine: FaceEngine,
    frames: Sequence[RGBImage],
    challenge: Sequence[str],
    limits: LivenessLimits = LivenessLimits(),
) -> LivenessResult:
    unknown = [step for step in challenge if step not in CHALLENGE_STEPS]
    if unknown or not challenge:
        raise ValueError(f"unknown challenge steps: {unknown or 'none given'}")
    if not any(step in TURNS for step in challenge):
        raise ValueError("a challenge needs at least one turn: a photo can be moved closer")
    if len(frames) < max(limits.min_frames, len(challenge) + 1):
        return LivenessResult(False, "too_few_frames")

    found: list[tuple[int, Face]] = []
    for index, frame in enumerate(frames):
        faces = engine.detect(frame)
        if len(faces) > 1 and faces[1].width >= 0.4 * faces[0].width:
            return LivenessResult(False, "multiple_faces")
        if faces:
            found.append((index, faces[0]))
    if len(found) * 2 < len(frames) or not found:
        return LivenessResult(False, "no_face")

    first_index, first = found[0]
    position = 1
    step_frames: list[tuple[int, Face]] = []
    for step in challenge:
        while position < len(found) and not _meets(step, found[position][1], first, limits):
            position += 1
        if position == len(found):
            return LivenessResult(False, "challenge_not_met")
        step_frames.append(found[position])
        position += 1

    probe_index, probe = min(found, key=lambda item: abs(item[1].yaw))
    probe_embedding = engine.embed(frames[probe_index], probe)
    for index, face in [(first_index, first), *step_frames]:
        if (
            index != probe_index
            and distance(engine.embed(frames[index], face), probe_embedding) > limits.same_person
        ):
            return LivenessResult(False, "identity_changed")
    return LivenessResult(True, "ok", probe_index, probe_embedding)
