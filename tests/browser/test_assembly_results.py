"""The results screen of the demo's next general assembly in a real browser, on a phone's
width: live turnout while the vote is open (no partial result), then, once the vote is
closed, the per-college and weighted results, the published receipts and the minutes
among the assembly's documents. axe-core on each screen.

The demo associates vote through the voting service (the voting form has its own
browser test): associe1 (Salariés, 30 %) and associe2 (Collectivités, 20 %) for,
associe3 (Partenaires, 20 %) against; the other two colleges are silent, their shares
spread: 50 / 70 = 71,43 % for.
"""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "demo-extranet-1234"
PHONE = {"width": 375, "height": 740}


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def next_assembly(site_url, monkeypatch):
    from django.utils import timezone

    from extranet.demo import documents, pages, people
    from extranet.models import GeneralAssemblyPage
    from home.models import HomePage

    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(HomePage.objects.get(), documents=documents.load())
    assembly = GeneralAssemblyPage.objects.get(held_at__gt=timezone.now())
    return assembly, found


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_turnout_while_open_then_results_receipts_and_minutes_once_closed(
    page: Page, site_url, next_assembly
):
    from extranet.constants import VoteChoice
    from extranet.services import assemblies, results

    assembly, people = next_assembly
    url = site_url + assembly.url
    page.set_viewport_size(PHONE)
    page.goto(url + "resultats/")
    page.get_by_label("Identifiant ou adresse électronique").fill("associe1")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(url + "resultats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participation au vote")
    turnout = page.get_by_role("table", name="Associés qui ont voté en ligne, par collège")
    expect(turnout.locator("tfoot")).to_contain_text("0")
    assert_no_axe_violations(page, "participation au vote (ouvert)")
    assert fits_the_screen(page)

    resolutions = list(assembly.resolutions.order_by("sort_order"))
    for name, choice in (
        ("associe1", VoteChoice.FOR),
        ("associe2", VoteChoice.FOR),
        ("associe3", VoteChoice.AGAINST),
    ):
        voter = people[name]
        assemblies.cast_votes(
            assembly, voter=voter, choices={(voter.pk, r.pk): choice for r in resolutions}
        )
    page.reload()
    salaries = turnout.get_by_role("row", name="Salariés")
    expect(salaries).to_contain_text("1")
    expect(page.get_by_text("71,43")).to_have_count(0)  # nothing of the results yet

    results.close_vote(assembly, user=None, force=True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats des votes")
    first = page.get_by_role(
        "table", name="Résolution 1 : résultats par collège et résultat pondéré"
    )
    expect(first.get_by_role("row", name="Salariés")).to_contain_text("100,00 %")
    expect(first.get_by_role("row", name="Partenaires")).to_contain_text("0,00 %")
    expect(first.locator("tfoot")).to_contain_text("Résultat pondéré")
    expect(first.locator("tfoot")).to_contain_text("71,43 %")
    expect(page.get_by_text("Adoptée : 71,43 % des voix pondérées pour").first).to_be_visible()
    assert_no_axe_violations(page, "résultats des votes")
    assert fits_the_screen(page)

    page.get_by_role("link", name="Vérifier mon code de reçu dans la liste des bulletins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de reçu des bulletins")
    expect(page.get_by_role("table")).to_contain_text("9 en tout")
    assert_no_axe_violations(page, "codes de reçu")
    assert fits_the_screen(page)

    page.goto(url)
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Procès-verbal (généré à la clôture du vote, à signer)"
        ).click()
    with open(download_info.value.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    for resolution in resolutions:
        assert resolution.title in text
    assert "71,43" in text and "Annexe : feuille de présence" in text
