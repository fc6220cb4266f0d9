"""A gift confirmed by Stripe's webhook refreshes the fund's figures that anonymous
visitors get from the page cache (home/cache.py): the ledger's total and donors, the
donor wall."""

import re

import pytest
from django.test import Client

from donations.models import DonationPage
from tests.donations.test_flow import pay

pytestmark = pytest.mark.django_db

LEDGER = "/fonds-impulsion/registre/"


@pytest.fixture
def campaign(demo_site, settings) -> DonationPage:
    settings.PAGE_CACHE_SECONDS = 300  # as in production (the test settings keep it off)
    return DonationPage.objects.get(slug="fonds-impulsion")


def collected(response) -> str:
    text = response.content.decode()
    return re.search(r'<li class="ledger__figure">(.*?)</li>', text, re.S).group(1)


def test_a_confirmed_gift_refreshes_the_fund_figures(campaign, stripe_settings):
    visitor = Client()
    before = visitor.get(LEDGER)
    assert before["X-Cache"] == "miss"
    assert visitor.get(LEDGER)["X-Cache"] == "hit"
    assert "0 donateur" in collected(before)

    donor = Client()  # the donor's browser, with its own session
    pay(donor, campaign, stripe_settings, amount_once="250", recognition="name")

    after = visitor.get(LEDGER)
    assert after["X-Cache"] == "miss"
    assert "250\xa0€" in collected(after) and "1 donateur" in collected(after)
    wall = visitor.get(LEDGER.replace("registre", "donateurs"))
    assert "Camille" in wall.content.decode()
    # The campaign page itself has the gift form: never stored, always fresh.
    assert visitor.get(campaign.url)["X-Cache"] == "miss"
    assert visitor.get(campaign.url)["X-Cache"] == "miss"
