"""Coaching and explanations for the face step, as the member reads them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COACHING = {
    "no_face": _("We cannot see a face. Hold the phone at eye level and look at the screen."),
    "multiple_faces": _("Only your face should be in the picture. Ask others to step aside."),
    "face_too_small": _("Come closer: your face should fill the oval."),
    "too_dark": _("It is too dark. Face a window or a lamp."),
    "too_bright": _("Too much light behind or on you. Turn away from the window or the sun."),
    "blurry": _("The picture is blurred. Hold the phone still with both hands."),
    "too_few_frames": _("The recording was too short. Try again and follow the instructions."),
}
STEPS = {
    "front": _("Look straight at the camera"),
    "turn_left": _("Turn your head slowly to your left"),
    "turn_right": _("Turn your head slowly to your right"),
    "come_closer": _("Bring the phone closer to your face"),
}
OUTCOMES = {
    "passed": _("Your face is verified."),
    "retake": _("This did not count as an attempt. Please try again."),
    "failed_liveness": _(
        "We could not see you follow the movements. This counted as a failed attempt."
    ),
    "failed_match": _(
        "The face does not match the one we have for you. This counted as a failed attempt."
    ),
    "review": _(
        "An officer will check your photo. This did not count as a failed attempt; we will tell you the result."
    ),
}
LOCKED = _(
    "The face check is locked after %(count)s failed attempts. You can still log in, see your balance and follow your claims."
)

# What a refused capture or challenge tells the member (pages and API alike).
ERRORS = {
    "invalid_capture": _(
        "We could not read the photo. Take it again with the camera (a JPEG or PNG picture)."
    ),
    "too_large": _("The photo is too large. Take it again with the camera."),
    "image_too_large": _(
        "The photo has too many pixels to process. Take it again with the phone's camera."
    ),
    "image_mode_unsupported": _(
        "This picture is in a special format (16-bit or another colour mode), not a camera photo. Take it again with the phone's camera."
    ),
    "image_damaged": _(
        "The photo is cut off or damaged: it did not arrive whole. Take it again with the camera."
    ),
    "no_frames": _("No photo arrived. Take the photos again."),
    "too_many_frames": _("Too many photos were sent at once. Take the photos again."),
    "prompt_not_shown": _(
        "These photos do not belong to the instruction on the screen. Start again: you get new movements."
    ),
    "prompt_too_soon": _("Wait for the instruction on the screen, then move."),
    "challenge_expired": _("The time for this check ran out. Start again: you get new movements."),
    "challenge_used": _("This check was already sent. Start again."),
    "challenge_unknown": _("This check is not valid any more. Start again."),
    "not_enrolled": _(
        "There is no enrolled face for this account yet. Visit a branch office with your e-KTP."
    ),
}
