"""End-to-end tests in a real browser: Debian's chromium driven by Playwright.

``make test`` installs /usr/bin/chromium (scripts/ensure-system-packages) and Playwright
from the dev extras; Playwright's own browser download is never used. The pages come
from pytest-django's ``live_server`` (a session-wide server thread
on the file-based SQLite or the PostgreSQL test database; a test that uses it runs with
``transactional_db``).

The fake camera plays a y4m file fixed when the browser starts, so there is one browser
per video: ``browser`` sees a live member turning their head, ``static_browser`` a photo
held up to the camera, and ``browser_for(path)`` starts one for any other video.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from camera import letterbox, live_frames, static_frames, write_y4m
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from cairkan.biometrics import services as face_services

CHROMIUM = Path("/usr/bin/chromium")
# The challenge the face page issues in these tests: what the journey video shows.
CHALLENGE_STEPS = ("turn_left", "turn_right")
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
HERE = Path(__file__).resolve().parent
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "id-ID"}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test in tests/browser carries the ``browser`` marker (``-m "not browser"``)."""
    if HERE in Path(item.path).resolve().parents and not item.get_closest_marker("browser"):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, after pytest-django's own ordering: Playwright's sync API
    keeps an asyncio loop marked running on the main thread while it is started (see
    ``playwright``), and no other test should run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def live_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Frontal → member's left → frontal → member's right, one second each, looping."""
    return write_y4m(tmp_path_factory.mktemp("camera") / "live.y4m", live_frames())


@pytest.fixture(scope="session")
def static_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same frontal photo, still."""
    return write_y4m(tmp_path_factory.mktemp("camera") / "static.y4m", static_frames())


@pytest.fixture(scope="session")
def playwright(live_server: LiveServer) -> Iterator[Playwright]:
    """Playwright's driver, started after the live server and the test database (so it
    stops before them). While it runs, asyncio sees a running loop on the main thread and
    Django would refuse every database call of the tests ("You cannot call this from an
    async context"), e.g. flushing the database after each test; those calls are plain
    synchronous ones, so the check is switched off for the driver's lifetime only."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
            "(scripts/ensure-system-packages); Playwright's own browser download is never used."
        )
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="session")
def browser_for(playwright: Playwright) -> Iterator[Callable[[Path], Browser]]:
    """Start (once per video) a headless chromium whose camera plays ``video``."""
    browsers: dict[Path, Browser] = {}

    def launch(video: Path) -> Browser:
        video = Path(video).resolve()
        if video not in browsers:
            browsers[video] = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={video}"],
            )
        return browsers[video]

    yield launch
    for started in browsers.values():
        started.close()


@pytest.fixture(scope="session")
def browser(browser_for: Callable[[Path], Browser], live_video: Path) -> Browser:
    return browser_for(live_video)


@pytest.fixture(scope="session")
def static_browser(browser_for: Callable[[Path], Browser], static_video: Path) -> Browser:
    return browser_for(static_video)


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page(on=None, **context_options)``: a page in a fresh context of ``browser``
    (or of ``on``) with a phone's viewport (360×740) and Indonesian locale; options
    override them, e.g. ``java_script_enabled=False``. Contexts close after the test."""
    contexts = []

    def make(on: Browser | None = None, **options: Any) -> Page:
        context = (on or browser).new_context(**{**PHONE, **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A phone-sized page whose camera shows a live member."""
    return new_page()


@pytest.fixture
def static_page(new_page: Callable[..., Page], static_browser: Browser) -> Page:
    """A phone-sized page whose camera shows a photo held still."""
    return new_page(static_browser)


@pytest.fixture
def fixed_challenge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The challenge the page issues is "turn left, then turn right" (what the videos
    show); the live server runs in this process, so the patch reaches it."""
    monkeypatch.setattr(
        face_services, "random_challenge", lambda rng=None, length=2: CHALLENGE_STEPS
    )


@pytest.fixture(scope="session")
def journey_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Frontal 4 s → the member's left 2.4 s → their right 3.6 s, looping (5 fps)."""
    frontal = letterbox("obama.jpg")
    left = letterbox("obama2.jpg", mirror=True)
    right = letterbox("obama2.jpg")
    frames = [frontal] * 20 + [left] * 12 + [right] * 18  # 0.2 s each
    return write_y4m(
        tmp_path_factory.mktemp("camera") / "journey.y4m", frames, fps=5, seconds_per_frame=0.2
    )


@pytest.fixture(scope="session")
def journey_browser(browser_for: Callable[[Path], Browser], journey_video: Path) -> Browser:
    return browser_for(journey_video)
