"""The landing page on a phone, and the fake camera that the face-check tests rely on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

INDONESIAN_TITLE = "Cairkan JHT tanpa harus ke kota"
ENGLISH_TITLE = "Claim your JHT savings without a trip to town"


def audit(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_landing_page_is_indonesian_on_a_phone_and_accessible(page: Page, live_server) -> None:
    response = page.goto(live_server.url + "/")
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(INDONESIAN_TITLE)
    # Nothing wider than the phone: no sideways scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    audit(page)


def test_switching_to_english_works_without_javascript(
    new_page: Callable[..., Page], live_server
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(INDONESIAN_TITLE)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()  # a plain form POST

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    # The choice sticks: the next visit is in English too.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)


def test_the_english_landing_page_is_accessible(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    audit(page)


# Open the camera, let a few frames decode, then sample the picture every 200 ms for
# 4.4 s (longer than one loop of the live video): size, mean grey level of the first
# sample, and a coarse 16×12 thumbnail of every sample.
SAMPLE_CAMERA = """
async () => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true});
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  await new Promise((resolve) => {
    let decoded = 0;
    const next = () => (++decoded >= 5 ? resolve() : video.requestVideoFrameCallback(next));
    video.requestVideoFrameCallback(next);
  });
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  context.drawImage(video, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
  const mean = sum / (pixels.length / 4 * 3);

  const small = document.createElement("canvas");
  small.width = 16;
  small.height = 12;
  const smallContext = small.getContext("2d", {willReadFrequently: true});
  const thumbnails = [];
  for (let i = 0; i < 22; i++) {
    smallContext.drawImage(video, 0, 0, 16, 12);
    const data = smallContext.getImageData(0, 0, 16, 12).data;
    thumbnails.push(Array.from(data.filter((_, index) => index % 4 === 1)));  // green
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const label = stream.getVideoTracks()[0].label;
  stream.getTracks().forEach((track) => track.stop());
  return {width: canvas.width, height: canvas.height, mean, thumbnails, label};
}
"""


def distinct_pictures(thumbnails: list[list[int]], tolerance: float = 6.0) -> int:
    """How many different pictures the samples show (mean absolute difference)."""
    seen: list[list[int]] = []
    for thumbnail in thumbnails:
        if all(
            sum(abs(a - b) for a, b in zip(thumbnail, other, strict=True)) / len(thumbnail)
            > tolerance
            for other in seen
        ):
            seen.append(thumbnail)
    return len(seen)


@pytest.mark.parametrize(
    ("page_fixture", "pictures"),
    [("page", 3), ("static_page", 1)],
    ids=["live video", "static photo"],
)
def test_the_fake_camera_shows_the_video(
    request: pytest.FixtureRequest, live_server, page_fixture: str, pictures: int
) -> None:
    page: Page = request.getfixturevalue(page_fixture)
    # getUserMedia needs a secure context: http://localhost is one, about:blank is not.
    page.goto(live_server.url + "/")
    sample = page.evaluate(SAMPLE_CAMERA)
    assert (sample["width"], sample["height"]) == (640, 480)
    assert 20 < sample["mean"] < 235, f"blank camera picture (mean {sample['mean']:.1f})"
    # The live video shows frontal, turned left and turned right; the photo never moves.
    assert distinct_pictures(sample["thumbnails"]) == pictures
