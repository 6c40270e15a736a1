"""Active liveness: did a live person follow the server's random challenge?

The server issues a short random sequence of steps (turn left, turn right, come closer)
and reveals them one prompt at a time: first "look straight", then each step only after
the frames of the one before arrived. Here the frames of each prompt are judged by head
pose from the 5-point landmarks against the first frontal frame: every step's frames must
show its own pose and no pose that was not asked for, with the same identity throughout.
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


FRONT = "front"  # the first prompt, "look straight at the camera": the baseline pose


def _poses(face: Face, first: Face, limits: LivenessLimits) -> set[str]:
    """The challenge steps this face shows, relative to the first frontal frame."""
    shown = set()
    if face.yaw - first.yaw >= limits.turn:
        shown.add("turn_left")
    if first.yaw - face.yaw >= limits.turn:
        shown.add("turn_right")
    if face.width >= limits.closer * first.width:
        shown.add("come_closer")
    return shown


def _answers(prompt: str, shown: set[str]) -> bool | None:
    """True if a frame with these poses answers ``prompt``, False if it shows a pose
    that was not asked for, None if it is neutral (on the way, no pose yet).

    A turn is never allowed where it was not asked: the opposite turn in a turn step,
    any turn while coming closer or looking straight. Growth during a turn is tolerated
    (people lean in as they turn, and the detector's box changes with the angle); it
    cannot help to answer a turn prompt without reading it, because a capture that
    would also answer the other turn or "come closer" shows a forbidden turn.
    """
    turns = shown & set(TURNS)
    if prompt == FRONT:
        return False if shown else None
    if prompt == "come_closer":
        if turns:
            return False
        return True if "come_closer" in shown else None
    if turns - {prompt}:
        return False
    return True if prompt in turns else None


def judge_liveness(
    engine: FaceEngine,
    answers: Sequence[Sequence[RGBImage]],
    challenge: Sequence[str],
    limits: LivenessLimits = LivenessLimits(),
) -> LivenessResult:
    """Judge one capture: ``answers[0]`` are the frames taken on "look straight",
    ``answers[k]`` the frames taken after prompt ``challenge[k - 1]`` was shown.

    ``probe_index`` counts frames across all prompts, in order.
    """
    unknown = [step for step in challenge if step not in CHALLENGE_STEPS]
    if unknown or not challenge:
        raise ValueError(f"unknown challenge steps: {unknown or 'none given'}")
    if not any(step in TURNS for step in challenge):
        raise ValueError("a challenge needs at least one turn: a photo can be moved closer")
    if len(answers) != len(challenge) + 1:
        raise ValueError(
            f"give one group of frames per prompt: look straight, then {', '.join(challenge)}"
        )
    frames = [frame for group in answers for frame in group]
    if any(not group for group in answers) or len(frames) < limits.min_frames:
        return LivenessResult(False, "too_few_frames")

    found: list[tuple[int, int, Face]] = []  # (prompt, frame index, largest face)
    index = 0
    for prompt, group in enumerate(answers):
        for frame in group:
            faces = engine.detect(frame)
            if len(faces) > 1 and faces[1].width >= 0.4 * faces[0].width:
                return LivenessResult(False, "multiple_faces")
            if faces:
                found.append((prompt, index, faces[0]))
            index += 1
    seen = {prompt for prompt, _, _ in found}
    if len(found) * 2 < len(frames) or seen != set(range(len(answers))):
        return LivenessResult(False, "no_face")

    _, first_index, first = found[0]
    prompts = (FRONT, *challenge)
    met: dict[int, tuple[int, Face]] = {}
    for prompt, frame_index, face in found:
        verdict = _answers(prompts[prompt], _poses(face, first, limits))
        if verdict is False:
            return LivenessResult(False, "challenge_not_met")
        if verdict and prompt not in met:
            met[prompt] = (frame_index, face)
    if len(met) != len(challenge):
        return LivenessResult(False, "challenge_not_met")

    _, probe_index, probe = min(found, key=lambda item: abs(item[2].yaw))
    probe_embedding = engine.embed(frames[probe_index], probe)
    for frame_index, face in [(first_index, first), *met.values()]:
        if (
            frame_index != probe_index
            and distance(engine.embed(frames[frame_index], face), probe_embedding)
            > limits.same_person
        ):
            return LivenessResult(False, "identity_changed")
    return LivenessResult(True, "ok", probe_index, probe_embedding)
