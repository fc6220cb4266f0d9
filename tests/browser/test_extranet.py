"""The extranet in a real browser, as a demo associate: log in through the form, open
the 2021 general assembly, download the financial report, see "Mon sociétariat", log
out; then the same addresses lead to the login page again. axe-core on the pages met.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "demo-extranet-1234"
AG_2021 = "/extranet/assemblees-generales/2021/"


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def extranet(site_url, monkeypatch):
    """The demo site with its demo accounts (off in tests unless asked, as here)."""
    from extranet.demo import documents, pages, people
    from home.models import HomePage

    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    people.load(allowed=True, out=_Silent())
    pages.load(HomePage.objects.get(), documents=documents.load())
    return site_url


def test_an_associate_reads_the_2021_assembly_downloads_a_report_and_logs_out(page: Page, extranet):
    page.goto(extranet + "/")
    page.get_by_role("link", name="Espace associés").click()
    expect(page).to_have_url(f"{extranet}/compte/connexion/?next=/extranet/")

    page.goto(extranet + AG_2021)
    expect(page).to_have_url(f"{extranet}/compte/connexion/?next={AG_2021}")
    expect(page.get_by_text("Assemblée générale 2021")).to_have_count(0)
    page.get_by_label("Identifiant ou adresse électronique").fill("associe1")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(extranet + AG_2021)
    expect(page.get_by_role("heading", level=1)).to_have_text("Assemblée générale 2021")
    expect(page.get_by_text("Adoptée à l'unanimité")).to_have_count(3)
    assert_no_axe_violations(page, "assemblée générale 2021")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Rapport financier 2020").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    page.goto(extranet + "/extranet/")
    expect(page.get_by_role("heading", name="Mon sociétariat")).to_be_visible()
    holdings = page.get_by_role("table", name="Mes avoirs dans la coopérative")
    expect(holdings).to_contain_text("Parts sociales")
    expect(holdings.locator("tfoot")).to_contain_text("4 parts")
    expect(holdings.locator("tfoot")).to_contain_text("200 €")
    assert_no_axe_violations(page, "accueil de l'extranet")

    for url, name in (
        ("/extranet/assemblees-generales/", "index des assemblées générales"),
        ("/extranet/groupes-de-travail/", "index des groupes de travail"),
        ("/extranet/groupes-de-travail/raison-d-etre/", "groupe de travail"),
    ):
        page.goto(extranet + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(page, name)

    page.goto(extranet + "/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes déconnecté")

    for url in ("/extranet/", AG_2021):
        page.goto(extranet + url)
        expect(page).to_have_url(f"{extranet}/compte/connexion/?next={url}")
        expect(page.get_by_text("Mon sociétariat")).to_have_count(0)
        expect(page.get_by_text("Rapport financier 2020")).to_have_count(0)
