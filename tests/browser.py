"""Steps and checks shared by the Playwright tests."""

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page) -> None:
    """Run axe-core on the page: no WCAG 2.2 A or AA violations."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
    ]
    assert not problems, f"axe-core found problems on {page.url}:\n" + "\n".join(problems)


def log_in(page, live_server, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def tab_to(page, locator, limit: int = 100) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("element => document.activeElement === element", target):
            return
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def log_in_by_keyboard(page, live_server, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


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
