"""The layout in a real browser: phone and desktop widths, French and English."""

import pytest

from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_home_and_login_in_both_languages(browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Mentions légales").is_visible()
    screenshot(page, f"home-fr-{width}")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Legal notices").is_visible()
    page.goto("/login/")
    assert page.get_by_label("Username or membership number").is_visible()
    screenshot(page, f"login-en-{width}")
    # Nothing overflows the phone screen horizontally.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
