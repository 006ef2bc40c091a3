"""The member pages on a phone: nothing wider than the screen, the covered people readable as cards."""

import pytest

from accounts.tests.factories import PASSWORD
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_member_pages_fit_the_screen(browser_page, family, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/login/")
    page.fill("input[name=username]", family.profile.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    for path, name in [
        ("/space/me/", "personal"),
        ("/space/me/beneficiaries/", "beneficiaries"),
        ("/space/me/preferences/", "preferences"),
    ]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        screenshot(page, f"members-{name}-{width}")
    page.goto("/space/me/beneficiaries/")
    assert page.get_by_text("Léa").first.is_visible()
