"""The foundation as a visitor meets it in a real browser: home, menu, news, search, 404.

Each test gets the whole demo site (the `site_url` fixture rebuilds it, since the
previous live-server test flushed the database) and a fresh Playwright page.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

AG_TITLE = "Assemblée générale : le Clus'Ter Jura crée un fonds d'impulsion"
AG_PATH = "/actualites/assemblee-generale-2021-fonds-impulsion/"
NNBSP = "\u202f"  # narrow no-break space, the French thousands separator


# The key figures whose text (value or label) sticks out of their card.
OVERFLOWING_FIGURES_JS = """() => [...document.querySelectorAll('.figures__list > li')].filter(card => {
    const box = card.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(card);
    const text = range.getBoundingClientRect();
    return text.left < box.left - 0.5 || text.right > box.right + 0.5;
}).map(card => card.innerText)"""


def figure_lines(page: Page, label: str) -> list[str]:
    """The key figure carrying this label, line by line as rendered (prefix, value, label)."""
    figure = page.locator(".figures__list > li").filter(has_text=label)
    expect(figure).to_have_count(1)
    return [line.strip() for line in figure.inner_text().splitlines() if line.strip()]


def test_home_page_shows_the_key_figures_and_loads_only_local_files(page: Page, site_url):
    """One visit for two promises: the figures as a visitor reads them, and no third-party host."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + "/", wait_until="networkidle")

    figures = page.get_by_role("region", name="Le Clus'Ter Jura en chiffres")
    expect(figures).to_be_visible()
    assert figure_lines(page, "idées de projets captées") == [
        "plus de",
        "130",
        "idées de projets captées",
    ]
    assert figure_lines(page, "acteurs locaux mobilisés") == [
        "plus de",
        f"3{NNBSP}000",
        "acteurs locaux mobilisés",
    ]
    assert figure_lines(page, "ateliers thématiques organisés") == [
        "71",
        "ateliers thématiques organisés",
    ]
    assert figure_lines(page, "emplois créés") == ["près de", "50", "emplois créés"]

    # Large numerals must stay inside their card, from a phone to a wide screen.
    for width in (360, 1000, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(OVERFLOWING_FIGURES_JS) == [], (
            f"figure wider than its card at {width}px"
        )

    # Bring lazy-loaded images (news cards) into view so they are requested too.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    own_host = urlsplit(site_url).netloc
    network = [url for url in requested if urlsplit(url).scheme not in ("data", "blob")]
    assert any(url.endswith(".css") for url in network), network  # the recorder saw the page
    foreign = [url for url in network if urlsplit(url).netloc != own_host]
    assert foreign == [], f"requests to another host: {foreign}"


def test_main_menu_leads_to_the_news_index(page: Page, site_url):
    page.goto(site_url + "/")

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Actualités", exact=True).click()

    expect(page).to_have_url(site_url + "/actualites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actualités")
    expect(menu.get_by_role("link", name="Actualités", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("main").get_by_role("link", name=AG_TITLE)).to_be_visible()


def test_search_finds_the_general_assembly_article(page: Page, site_url):
    page.goto(site_url + "/recherche/")

    page.get_by_label("Rechercher sur le site").fill("assemblée")
    page.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/recherche/\?q=assembl"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("pour « assemblée »")
    result = page.get_by_role("main").get_by_role("link", name=AG_TITLE, exact=True)
    expect(result).to_be_visible()
    result.click()

    expect(page).to_have_url(site_url + AG_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(AG_TITLE)


def test_public_pages_have_no_wcag_violation(page: Page, site_url):
    """One browser page visits them all (one demo build); every page's violations are reported."""
    pages = [
        ("/", "accueil"),
        ("/actualites/", "liste des actualités"),
        (AG_PATH, "article d'actualité"),
        ("/recherche/?q=assembl%C3%A9e", "résultats de recherche"),
    ]
    failures = []
    for path, what in pages:
        response = page.goto(site_url + path)
        assert response.status == 200, path
        if path.startswith("/recherche/"):
            # Checked with results on the page, not the empty state.
            expect(page.get_by_role("link", name=AG_TITLE, exact=True)).to_be_visible()
        try:
            assert_no_axe_violations(page, what)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


def test_missing_page_answers_404_in_french_without_wcag_violation(page: Page, site_url):
    response = page.goto(site_url + "/page-qui-n-existe-pas/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page).to_have_title(re.compile("^Page introuvable"))
    assert_no_axe_violations(page, "page 404")
