"""Waiting for a Streamlit page in a real browser: it renders asynchronously, so a test
waits for an element of the page it expects and for the "Running..." status to go."""

from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Locator, Page, expect

STATUS_WIDGET = '[data-testid="stStatusWidget"]'
APP_ROOT = '[data-testid="stApp"]'
READY_MS = 60_000
SCREENSHOT_MAX_HEIGHT = 2400


def settle(page: Page) -> None:
    """Wait until the script run the last action started has finished: the app marks its
    root with the run's state (data-test-script-state), and shows "Running..." meanwhile."""
    page.wait_for_timeout(200)  # an action's rerun request reaches the server first
    expect(page.locator(APP_ROOT)).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=READY_MS
    )
    expect(page.locator(STATUS_WIDGET)).to_have_count(0, timeout=READY_MS)


PASSWORD_INPUT = 'input[type="password"]'


def open_page(
    page: Page, base_url: str, path: str, expected_heading: str, user: str = "demo", **params: str
) -> None:
    """Go to `path` (a page's url_path) with query `params`, sign in as `user` (a new page
    load is a new session: the login comes first), and wait for the page's heading."""
    query = f"?{urlencode(params)}" if params else ""
    page.goto(f"{base_url}/{path}{query}")
    expect(page.locator(PASSWORD_INPUT)).to_be_visible(timeout=READY_MS)
    settle(page)
    sign_in(page, user, user)
    wait_for_heading(page, expected_heading)


def sign_in(page: Page, name: str, password: str) -> None:
    """Fill in the login form (whatever its language) and submit it."""
    form = page.locator('[data-testid="stForm"]')
    form.locator('input[autocomplete="username"]').fill(name)
    form.locator(PASSWORD_INPUT).fill(password)
    form.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    settle(page)


def choose_option(page: Page, box: Locator, option: str) -> None:
    """Pick `option` in a select box `box` (see _type_option)."""
    _type_option(page, box, option)
    # The chosen option is the value of the box's input, not text of the box.
    expect(box.get_by_role("combobox")).to_have_value(option, timeout=READY_MS)


def add_option(page: Page, box: Locator, option: str) -> None:
    """Add `option` to a multiselect `box` (see _type_option) and close its list."""
    _type_option(page, box, option)
    page.keyboard.press("Escape")
    expect(box).to_contain_text(option, timeout=READY_MS)


def _type_option(page: Page, box: Locator, option: str, attempts: int = 3) -> None:
    """Open `box`, type `option` and press Enter. Clicking the option in the open list can
    fail: when the list reaches below the window, the browser scrolls to the option and
    the list closes on that scroll. Typing filters the list to the option, at its top. A
    click that lands while the script reruns opens nothing: the box is clicked again."""
    for attempt in range(attempts):
        settle(page)
        box.click()
        page.keyboard.type(option)
        listed = page.get_by_role("option", name=option, exact=True)
        try:
            expect(listed).to_be_visible(timeout=READY_MS // attempts)
            break
        except AssertionError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            box.locator("input").first.fill("")
    page.keyboard.press("Enter")


def wait_for_heading(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=READY_MS)
    settle(page)


def screenshot(page: Page, folders: list[Path], name: str) -> None:
    """The whole page as `name`.png in each folder. Streamlit scrolls inside its main
    section, not the document, so the window is made as tall as that section (up to
    SCREENSHOT_MAX_HEIGHT) for the picture, then put back."""
    size = page.viewport_size
    height = _settled_height(page)
    page.set_viewport_size({"width": size["width"],
                            "height": min(max(height, size["height"]), SCREENSHOT_MAX_HEIGHT)})
    page.wait_for_timeout(500)  # let the charts redraw at the new size
    for folder in folders:
        page.screenshot(path=str(folder / f"{name}.png"), animations="disabled", caret="hide")
    page.set_viewport_size(size)


def _settled_height(page: Page) -> int:
    """The main section's height once it has stopped growing (charts and tables draw after
    the script run has ended): the same in three readings 0.4 s apart, within 8 seconds."""
    measure = "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    height = page.evaluate(measure)
    unchanged = 0
    for _ in range(20):
        page.wait_for_timeout(400)
        now = page.evaluate(measure)
        unchanged = unchanged + 1 if now == height else 0
        if unchanged == 2:
            return height
        height = now
    return height
