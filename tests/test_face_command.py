"""`cairkan face compare` / `cairkan face liveness`: JSON out, clear errors, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CAIRKAN = str(ROOT / ".venv" / "bin" / "cairkan")
FACES = ROOT / "tests" / "fixtures" / "faces"


def face(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAIRKAN, "face", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"CAIRKAN_ENV": "test", "PATH": "/usr/bin:/bin"},
    )


def test_compare_genuine_impostor_and_retake() -> None:
    genuine = face("compare", str(FACES / "obama.jpg"), str(FACES / "obama2.jpg"))
    impostor = face("compare", str(FACES / "obama.jpg"), str(FACES / "biden.jpg"))
    retake = face("compare", str(FACES / "obama.jpg"), str(FACES / "obama3.jpg"))
    assert [r.returncode for r in (genuine, impostor, retake)] == [0, 0, 0]
    genuine_out, impostor_out, retake_out = (
        json.loads(r.stdout) for r in (genuine, impostor, retake)
    )
    assert genuine_out["decision"] == "match" and 0 < genuine_out["distance"] < 0.5
    assert impostor_out["decision"] == "no_match" and impostor_out["distance"] > 0.6
    assert retake_out == {
        "decision": "retake",
        "quality": ["face_too_small"],
        "distance": None,
        "review": False,
    }


def test_liveness_static_photo_fails_and_turning_passes(tmp_path: Path) -> None:
    still = str(FACES / "obama.jpg")
    static = face("liveness", "--challenge", "turn_left,turn_right", still, still, still)
    assert json.loads(static.stdout) == {"live": False, "reason": "challenge_not_met"}
    left = tmp_path / "left.jpg"
    Image.open(FACES / "obama2.jpg").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(left)
    live = face(
        "liveness",
        "--challenge",
        "turn_left,turn_right",
        still,
        str(left),
        str(FACES / "obama2.jpg"),
    )
    assert json.loads(live.stdout) == {"live": True, "reason": "ok"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["compare", "/nonexistent.jpg", str(FACES / "obama.jpg")], "cannot read /nonexistent.jpg"),
        (
            ["compare", str(ROOT / "README.md"), str(FACES / "obama.jpg")],
            "README.md: not a readable JPEG or PNG image",
        ),
        (["liveness", "--challenge", "wink", str(FACES / "obama.jpg")], "unknown challenge step"),
        (
            ["liveness", "--challenge", "come_closer", str(FACES / "obama.jpg")] * 1,
            "needs at least one turn",
        ),
    ],
)
def test_bad_input_is_a_clear_error(args: list[str], fragment: str) -> None:
    result = face(*args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_reference_without_a_face_is_an_error(tmp_path: Path) -> None:
    wall = tmp_path / "wall.png"
    Image.new("RGB", (640, 480), (128, 128, 128)).save(wall)
    result = face("compare", str(wall), str(FACES / "obama.jpg"))
    assert result.returncode == 2
    assert "reference" in result.stderr and "no face" in result.stderr
