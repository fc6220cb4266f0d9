"""A general assembly in a real browser: associe1 finds associe2 by name and gives them
a proxy; once the vote opens, associe2 votes for both on a phone-sized screen and sees
the receipt codes, then the turnout on the results screen; once staff close the vote,
the minutes PDF lists the resolutions with their results. axe-core on the proxy form,
the voting form and the receipts."""

import datetime
import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from extranet.constants import RECEIPT_ALPHABET, RECEIPT_LENGTH
from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_extranet import PASSWORD, extranet  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def assembly(extranet):  # noqa: F811
    """The demo associates, and an assembly whose vote opens in three days."""
    from tests.extranet.participation import build_assembly

    return build_assembly(
        opens=datetime.timedelta(days=3),
        closes=datetime.timedelta(days=5),
        held=datetime.timedelta(days=6),
    )


def log_in(page: Page, base: str, url: str, username: str) -> None:
    page.goto(base + url)
    page.get_by_label("Identifiant ou adresse électronique").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(base + url)


def test_a_proxy_given_through_the_search_then_a_vote_for_both_on_a_phone(
    page: Page,
    browser: Browser,
    extranet,  # noqa: F811
    assembly,
):
    from tests.extranet.participation import set_window

    log_in(page, extranet, assembly.url, "associe1")
    page.get_by_role("link", name="Donner procuration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma procuration")
    page.get_by_label("Nom de l'associé").fill("merc")
    page.get_by_role("button", name="Chercher").click()
    choices = page.get_by_role("group", name="Les associés qui correspondent à « merc »")
    expect(choices.get_by_role("radio")).to_have_count(1)
    choices.get_by_label(re.compile("^Dominique Mercier")).check()
    assert_no_axe_violations(page, "formulaire de procuration")
    page.get_by_role("button", name="Donner procuration").click()
    expect(page.get_by_role("status")).to_contain_text("Votre procuration est enregistrée")
    expect(page.get_by_text("Vous avez donné procuration à Dominique Mercier")).to_be_visible()

    set_window(assembly, opens=datetime.timedelta(minutes=-1))  # staff open the vote

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    holder = phone.new_page()
    log_in(holder, extranet, assembly.url, "associe2")
    expect(holder.get_by_text("Vous votez aussi pour Camille Vuillet")).to_be_visible()
    holder.get_by_role("link", name="Voter en ligne").click()
    expect(holder.get_by_role("heading", level=1)).to_have_text("Voter en ligne")
    assert_no_axe_violations(holder, "formulaire de vote")

    mine = holder.locator("section", has=holder.get_by_role("heading", name="Mon vote"))
    theirs = holder.locator(
        "section", has=holder.get_by_role("heading", name="Pour Camille Vuillet (procuration)")
    )
    for section, choice in ((mine, "Pour"), (theirs, "Contre")):
        groups = section.locator("fieldset")
        expect(groups).to_have_count(3)
        for index in range(3):
            groups.nth(index).get_by_label(choice, exact=True).check()
    assert holder.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    holder.get_by_role("button", name="Enregistrer mes votes").click()

    expect(holder.get_by_role("heading", level=1)).to_have_text("Vos votes sont enregistrés")
    receipts = holder.get_by_role("list", name="Vos codes de reçu")
    expect(receipts.get_by_role("listitem")).to_have_count(6)
    expect(receipts).to_contain_text("Pour Camille Vuillet (procuration)")
    codes = re.findall(rf"\b[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}\b", receipts.inner_text())
    assert len(set(codes)) == 6
    expect(holder.get_by_role("alert")).to_contain_text("Notez maintenant les codes")
    assert holder.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(holder, "reçus de vote")

    # The results screen: the turnout counts both ballots (her own, and Camille's through
    # the proxy), each in its own college; no partial result while the vote is open.
    holder.goto(extranet + assembly.url + "resultats/")
    turnout = holder.get_by_role("table", name="Associés qui ont voté en ligne, par collège")
    expect(turnout.get_by_role("row", name="Salariés")).to_contain_text("1")
    expect(turnout.get_by_role("row", name="Collectivités locales")).to_contain_text("1")
    expect(holder.get_by_text("Résultat pondéré")).to_have_count(0)

    # Staff close the vote: the minutes list each resolution with its result.
    from extranet.services import results

    results.close_vote(assembly, user=None, force=True)
    holder.reload()
    expect(holder.get_by_role("heading", level=1)).to_have_text("Résultats des votes")
    holder.goto(extranet + assembly.url)
    with holder.expect_download() as download_info:
        holder.get_by_role(
            "link", name="Procès-verbal (généré à la clôture du vote, à signer)"
        ).click()
    with open(download_info.value.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    for resolution in assembly.resolutions.all():
        assert resolution.title in text
    assert "Résultat pondéré" in text or "pondéré" in text
    assert "Dominique Mercier" in text and "Camille Vuillet" in text
    phone.close()
