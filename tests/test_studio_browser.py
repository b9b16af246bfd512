"""The drafting studio in a real headless Chromium: a new break rule drafted, judged, fixed and saved.

The studio runs in a thread of this process on a free loopback port, over a copy of the bundled
library with the repository's settings (and so its organisation file). The walk: open the library,
start a new break-rule policy in the breaks folder, fill the form, type an invalid time and see
the problem at that field, widen the blocked window and see the scores change, preview a remedy as
a diff and apply it, save, and read the file back from disk: valid, with the template's comments.
Every request that is not to the studio is blocked and recorded, and none may happen: the page
works offline. Screenshots go to ``artifacts/``. Waits are for states of the page, never for time.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")

import uvicorn  # noqa: E402

from policyweigh.loading import load_policy  # noqa: E402
from policyweigh.project import open_settings  # noqa: E402
from policyweigh.studio.app import create_app  # noqa: E402
from policyweigh.studio.server import free_port  # noqa: E402
from policyweigh.studio.workspace import Workspace  # noqa: E402
from tests.browser import chromium  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
WAIT_MS = 60_000
"""How long a page state may take to arrive on a loaded machine before the test fails."""


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The studio's address and its library folder (a copy of the bundled one)."""
    library = tmp_path / "library"
    shutil.copytree(ROOT / "policies", library)
    app = create_app(Workspace(library, open_settings(config=ROOT / "policyweigh.toml")))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(600):  # bounded: the server is up well before this runs out
            if server.started:
                break
            thread.join(0.05)
        assert server.started, "the studio did not start"
        yield f"http://127.0.0.1:{port}", library
    finally:
        server.should_exit = True
        thread.join(30)


def _settled(page: Any, before: int) -> int:
    """Wait until the page has applied an evaluation sent after ``before`` and none is pending."""
    page.wait_for_function(
        "before => Number(document.body.dataset.evaluations || 0) > before && !document.body.dataset.busy",
        arg=before,
        timeout=WAIT_MS,
    )
    return int(page.evaluate("() => Number(document.body.dataset.evaluations)"))


def _count(page: Any) -> int:
    return int(page.evaluate("() => Number(document.body.dataset.evaluations || 0)"))


def _score(page: Any, side: str) -> int:
    return int(page.locator(f"#score-{side}").get_attribute("data-score"))


def test_drafting_a_break_rule_in_the_studio(studio: tuple[str, Path]) -> None:
    base, library = studio
    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, device_scale_factor=1)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)

        def route(route: Any) -> None:
            if route.request.url.startswith(base + "/"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # The library view: summary, chart, a link into each policy, and the new-policy form.
        page.goto(base + "/")
        assert page.locator("svg.quadrant-chart").count() == 1
        assert page.locator("a.edit-link").count() == len(list((ROOT / "policies").rglob("*.yaml")))
        page.screenshot(path=str(ARTIFACTS / "studio-library.png"))
        page.select_option("#new-kind", "break-rule")
        page.select_option("#new-folder", "breaks")
        page.fill("#new-name", "studio-lunch")
        page.click("#new-start")

        # The editor: a form for the break rule, drawn from the schema, and a first evaluation.
        page.wait_for_selector("#score-employee")
        seen = _count(page)
        assert page.locator("select#f-rules-0--scheduling option").count() == 3
        assert page.locator("[data-path='rules[0].min_minutes'] .unit").inner_text() == "minutes"
        page.fill("#f-title", "Lunch after the morning peak")
        page.fill("#f-jurisdiction", "uk")
        page.fill("#f-scope-teams", "inbound")
        page.fill("#f-scope-shift_hours", "8")
        page.fill("#f-scope-shift_starts", "08:00")
        seen = _settled(page, seen)
        page.click("button[data-add='rules[0].blocked_windows']")
        page.fill("#f-rules-0--blocked_windows-0--from", "10:00")

        # An invalid time: the problem shows at its field, and in the YAML it sits at its place.
        page.fill("#f-rules-0--blocked_windows-0--to", "25:00")
        seen = _settled(page, seen)
        problem = page.locator(".problem[data-for='rules[0].blocked_windows[0].to']")
        assert problem.count() == 1
        assert "HH:MM" in problem.inner_text()
        assert (
            page.locator("[data-path='rules[0].blocked_windows[0].to'] input").get_attribute("aria-invalid")
            == "true"
        )
        assert '"25:00"' in page.input_value("#yaml")
        page.screenshot(path=str(ARTIFACTS / "studio-invalid-time.png"))

        # A valid window, then a wider one: the scores change with it.
        page.fill("#f-rules-0--blocked_windows-0--to", "11:00")
        seen = _settled(page, seen)
        assert page.locator(".problem").count() == 0
        narrow = (_score(page, "employee"), _score(page, "customer"))
        page.fill("#f-rules-0--blocked_windows-0--to", "14:00")
        seen = _settled(page, seen)
        wide = (_score(page, "employee"), _score(page, "customer"))
        assert wide != narrow
        assert wide[0] < narrow[0], "a longer ban on lunch is worse for staff"
        assert page.locator("table.queue-table tbody tr").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "studio-wide-window.png"))

        # A remedy: previewed as a diff, then applied to the draft (not yet saved).
        page.locator("button.preview-remedy").first.click()
        page.wait_for_selector("#remedy-preview:not([hidden])")
        assert page.locator("#remedy-diff .diff-del").count() >= 1
        assert page.locator("#remedy-diff .diff-add").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "studio-remedy-diff.png"))
        assert not (library / "breaks" / "studio-lunch.yaml").exists()
        page.click("#remedy-apply")
        seen = _settled(page, seen)
        fixed = (_score(page, "employee"), _score(page, "customer"))
        assert fixed != wide
        assert fixed[0] > wide[0]
        # The form follows the YAML: the remedy's new scheduling shows in its select.
        text = page.input_value("#yaml")
        scheduling = page.input_value("#f-rules-0--scheduling")
        assert scheduling != "fixed" and f"scheduling: {scheduling}" in text

        # Typed in the YAML view, a change reaches the form too.
        page.fill("#yaml", text.replace("min_minutes: 30", "min_minutes: 45"))
        seen = _settled(page, seen)
        assert page.input_value("#f-rules-0--min_minutes") == "45"

        # Saving: the file is on disk, valid, with the template's comments and the form's values.
        page.click("#save")
        page.wait_for_function("() => document.body.dataset.saved")
        assert "Saved breaks/studio-lunch.yaml" in page.inner_text("#save-status")
        page.screenshot(path=str(ARTIFACTS / "studio-saved.png"))
        context.close()

    saved = library / "breaks" / "studio-lunch.yaml"
    policy = load_policy(saved)
    assert policy.title == "Lunch after the morning peak"
    assert policy.rules[0].min_minutes == 45  # type: ignore[union-attr]
    assert policy.jurisdiction == "uk"
    text = saved.read_text(encoding="utf-8")
    assert "# Which break the rule governs." in text
    assert "# A workplace policy (format 1.1) with one break-rule rule." in text
    assert outside == [], "the page asked for something beyond the studio"
    assert errors == []


HOSTILE_TITLE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_a_hostile_policy_shows_as_text_and_runs_nothing(studio: tuple[str, Path]) -> None:
    base, library = studio
    text = (library / "breaks" / "pie-van-lunch-ban.yaml").read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    hostile = text.replace(title, "title: '" + HOSTILE_TITLE + "'").replace(
        "id: pie-van-lunch-ban", "id: hostile-title"
    )
    (library / "breaks" / "hostile.yaml").write_text(hostile, encoding="utf-8")
    dialogs: list[str] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/")
        link = page.locator("li#policy-hostile-title a.edit-link")
        assert link.inner_text() == HOSTILE_TITLE
        link.click()
        page.wait_for_selector("#score-employee")
        assert page.input_value("#f-title") == HOSTILE_TITLE
        assert HOSTILE_TITLE in page.input_value("#yaml")
        assert page.locator("img, iframe").count() == 0
        # The studio's own script and its data block, which never runs, and nothing else.
        assert page.locator("script").count() == 2
        assert page.locator("script[src='/static/studio.js'], script[type='application/json']").count() == 2
        context.close()
    assert dialogs == []
