"""Steps and checks shared by the Playwright tests."""

from pathlib import Path

from playwright.sync_api import expect

from accounts.two_factor import two_factor_required
from conduct.models import User
from tests.conftest import authenticator_code, authenticator_for

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page) -> None:
    """Run axe-core on the page: no WCAG 2.2 A or AA violations."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']})"
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"axe-core found problems on {page.url}:\n" + "\n".join(problems)


def _authenticator_of(username: str):
    """The authenticator app of someone who must use one (set up for them if need be), else None."""
    user = User.objects.filter(username=username).first()
    return authenticator_for(user) if user and two_factor_required(user) else None


def log_in(page, live_server, username: str, password: str = "correct horse battery") -> None:
    """Log in with the password and, for those who must use one, the authenticator's code."""
    device = _authenticator_of(username)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.get_by_label("Code from your authenticator app").fill(authenticator_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/two-factor/" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


# Whether the element with focus shows it: GOV.UK's yellow focus colour, on itself or, for
# the radios and checkboxes whose inputs are hidden, on the label that draws them. Returns
# 'target' when the element given has focus (and shows it), '' when another one does, and
# otherwise what is wrong.
FOCUS = """target => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return '';
  const yellow = 'rgb(255, 221, 0)';
  const shows = style => (style.outlineStyle !== 'none' && style.outlineColor === yellow
      && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow.includes(yellow) || style.backgroundColor === yellow;
  const styles = [getComputedStyle(focused)];
  for (const label of focused.labels || []) styles.push(getComputedStyle(label, '::before'));
  if (!styles.some(shows)) return `${focused.outerHTML.slice(0, 200)} has focus but does not show it`;
  return focused === target ? 'target' : '';
}"""


def assert_focus_visible(page) -> None:
    problem = page.evaluate(FOCUS, None)
    assert not problem, f"on {page.url}: {problem}"


def tab_to(page, locator, limit: int = 100, *, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element has focus, as a keyboard user would,
    checking that each element passed on the way shows its focus."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press(key)
        state = page.evaluate(FOCUS, target)
        if state == "target":
            return
        assert not state, f"on {page.url}: {state}"
    raise AssertionError(f"{locator} cannot be reached with the {key} key")


def type_into(page, locator, text: str) -> None:
    """Tab to a text field and type into it, replacing what was there."""
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def log_out_by_keyboard(page) -> None:
    tab_to(page, page.get_by_role("button", name="Log out"))
    page.keyboard.press("Enter")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Log in").wait_for()


def log_in_by_keyboard(page, live_server, username: str, password: str = "correct horse battery") -> None:
    device = _authenticator_of(username)
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if device is not None:
        tab_to(page, page.get_by_label("Code from your authenticator app"))
        page.keyboard.type(authenticator_code(device))
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/two-factor/" not in url)


def choose_radio_by_keyboard(page, radio, limit: int = 30) -> None:
    """Tab into the radio group, then move with the arrow keys to the option, as
    a keyboard user does (Tab stops once per group)."""
    target = radio.element_handle()
    in_group = "element => document.activeElement.type === 'radio' && document.activeElement.name === element.name"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(in_group, target):
            break
    else:
        raise AssertionError(f"the radio group of {radio} cannot be reached with the Tab key")
    if not radio.is_checked():
        page.keyboard.press("Space")
    for _ in range(limit):
        if radio.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{radio} cannot be chosen with the arrow keys")


def assert_reflows(page, width: int = 320) -> None:
    """At `width` CSS pixels the page itself does not scroll sideways (WCAG 2.2, 1.4.10):
    a wide table scrolls inside its own region instead."""
    page.set_viewport_size({"width": width, "height": 800})
    overflow = page.evaluate(
        """() => {
        const page = document.documentElement;
        if (page.scrollWidth <= page.clientWidth) return '';
        const wide = [...document.body.querySelectorAll('*')].filter(e =>
          e.getBoundingClientRect().right > page.clientWidth
          && !e.closest('.conduct-table-scroll, .govuk-visually-hidden, .govuk-skip-link'));
        return `${page.scrollWidth}px wide: ` + wide.slice(0, 5).map(e => e.outerHTML.slice(0, 120)).join(' | ');
      }"""
    )
    assert not overflow, f"{page.url} scrolls sideways at {width}px: {overflow}"


def follow(page, link, limit: int = 100) -> None:
    """Tab to a link (or a link that looks like a button) and press Enter on it."""
    tab_to(page, link, limit)
    page.keyboard.press("Enter")


def expect_success(page, text: str, *, javascript: bool) -> None:
    """The success banner is shown and, where scripts run, has focus, so that it is read out first."""
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(text)
    if javascript:
        expect(banner).to_be_focused()
        assert_focus_visible(page)


def fix_from_the_error_summary(page, message: str, field, *, javascript: bool, check) -> None:
    """The error summary is announced and has focus (where scripts run); its link takes focus to the field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    check(page)
    if javascript:
        expect(summary).to_be_focused()
        assert_focus_visible(page)
    follow(page, summary.get_by_role("link", name=message))
    expect(field).to_be_focused()
    assert_focus_visible(page)
