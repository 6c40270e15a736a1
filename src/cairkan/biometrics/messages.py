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
    "review_pending": _(
        "An officer is checking your last photo. You can continue once you hear the result; we will send you a message."
    ),
}

# Why an officer did not open the face step at the desk (video call or counter), as the
# member reads it on the locked page and in the message sent to them.
DESK_REFUSALS = {
    "ektp_not_shown": _(
        "You could not show your e-KTP to the officer. Book a new call with your e-KTP at hand, or visit the office."
    ),
    "answers_wrong": _(
        "Your answers about your membership did not match our records. Visit the office with your e-KTP and your KPJ card."
    ),
    "face_differs": _(
        "The officer could not confirm that your face matches your e-KTP photo. Visit the office with your e-KTP."
    ),
    "no_show": _("You did not join the video call at the booked time. Book a new call."),
    "call_failed": _("The call broke off before the check was finished. Book a new call."),
}
# Why a verifier refused a borderline face check; it counted as a failed attempt.
REVIEW_REFUSALS = {
    "face_differs": _(
        "An officer compared your photo with your registry photo and could not confirm it is you."
    ),
    "photo_unclear": _(
        "Your photo was too unclear for an officer to confirm it is you. Next time face a light and hold the phone still."
    ),
    "not_live": _("The photo did not show a person in front of the camera."),
}
REVIEW_PENDING = ERRORS["review_pending"]
REVIEW_ACCEPTED = _(
    "An officer checked your photo: it is you. Your face check is passed; continue your claim in Cairkan."
)
REVIEW_REFUSED = _("An officer checked your photo and did not accept it: %(reason)s")
COUNTED = _("This counted as a failed attempt.")
DESK_UNLOCKED = _("Your face check is open again. You can try it now in Cairkan.")
DESK_REFUSED = _("The officer could not open your face check: %(reason)s")
