"""The error flow of every public form, on a phone (390 px) and a desktop, in Chromium.

Sent empty, each form (idea, workshop registration, gift, login) answers with a focused
error summary; following its first link puts the field AND its label (or the legend
of its group) on screen; every field in error wears the same clay border; axe-core finds
no WCAG 2.1 AA violation in that state. Then the focus ring: two tones that stand out
on the key-figures band, whose cards have yellow borders.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ARGILE = "rgb(156, 61, 31)"  # --argile, the colour of errors

FORMS = {
    # name: (address, the form's selector)
    "idea": ("/appels-a-idees/transitions-2026/", "form.idea-form__form"),
    "workshop": ("/ateliers/porter-un-projet-cooperatif/", "form.registration-form"),
    "gift": ("/fonds-impulsion/", "form.donate-form__form"),
    "login": ("/compte/connexion/", "form.account-form"),
}

# Where the field and the text that names it are, relative to the viewport.
WHERE = """(id) => {
  const field = document.getElementById(id);
  const group = (field.type === "radio" || field.type === "checkbox") && field.closest("fieldset");
  const label = group && group.querySelectorAll("input[name='" + field.name + "']").length > 1
    ? group.querySelector("legend")
    : document.querySelector(`label[for="${id}"]`);
  const box = (element) => { const r = element.getBoundingClientRect(); return [r.top, r.bottom]; };
  return {label: box(label), labelText: label.textContent.trim(), field: box(field),
          height: window.innerHeight};
}"""

BORDERS = """(form) => [...form.querySelectorAll(
    "input[aria-invalid='true'], select[aria-invalid='true'], textarea[aria-invalid='true']")]
  .filter((el) => !["radio", "checkbox", "hidden"].includes(el.type))
  .map((el) => { const s = getComputedStyle(el);
    return [el.name, s.borderTopColor, s.borderTopWidth, s.borderLeftColor]; })"""


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", FORMS)
def test_sent_empty_the_first_error_link_shows_the_field_with_its_label(
    page: Page, site_url, no_stripe, name, viewport
):
    address, form_selector = FORMS[name]
    page.set_viewport_size(viewport)
    page.goto(site_url + address)
    form = page.locator(form_selector)
    form.locator("button[type=submit]").last.click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    first_link = summary.get_by_role("link").first
    target = first_link.get_attribute("href").removeprefix("#")
    first_link.click()
    expect(page).to_have_url(f"{site_url}{address}#{target}")
    page.wait_for_function("(id) => location.hash === '#' + id", arg=target)

    where = page.evaluate(WHERE, target)
    assert where["labelText"], f"{name}: the field {target} has no label"
    top, bottom = where["label"]
    assert top >= 0 and bottom <= where["height"], (
        f"{name}: the label « {where['labelText']} » is off screen ({top:.0f}-{bottom:.0f} "
        f"px, window {where['height']} px)"
    )
    assert where["field"][0] >= 0 and where["field"][1] <= where["height"]

    # Text, email, textarea and select fields in error all wear the clay border.
    borders = page.locator(form_selector).evaluate(BORDERS)
    assert borders, f"{name}: no text field in error"
    for field, colour, width, _left in borders:
        assert (colour, width) == (ARGILE, "3px"), f"{name}: {field} has {colour} {width}"

    assert_no_axe_violations(page, f"formulaire « {name} » envoyé vide ({viewport['width']} px)")


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(part) for part in rgb.strip("rgba()").split(",")[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_stands_out_on_the_key_figures_and_their_yellow_borders(
    page: Page, site_url
):
    page.goto(site_url + "/")
    link = page.locator(".figure__link").first
    page.keyboard.press("Tab")  # a keyboard user: focus rings are shown
    link.focus()
    assert link.evaluate("(el) => el.matches(':focus-visible')")
    ring = link.evaluate(
        """(el) => { const s = getComputedStyle(el), card = getComputedStyle(el.parentElement);
        return {outline: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle,
                shadow: s.boxShadow, cardBorder: card.borderTopColor,
                card: card.backgroundColor,
                band: getComputedStyle(el.closest('.figures')).backgroundColor}; }"""
    )
    assert ring["style"] == "solid" and ring["width"] == "3px"
    inner = ring["shadow"].split(")")[0] + ")"  # the light ring against the card
    # The dark ring against the yellow border and the green band, the light one against
    # the card: each tone differs from what it touches by at least 3:1 (WCAG 1.4.11).
    assert contrast(ring["outline"], ring["cardBorder"]) >= 3
    assert contrast(inner, ring["card"]) >= 3
    assert contrast(inner, ring["outline"]) >= 3
    assert contrast(inner, ring["band"]) >= 3
