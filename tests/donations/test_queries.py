"""The fund's public pages cost the same number of queries with 2 gifts or 200, and
with 1 commitment or 30: the campaign page, its ledger and its donor wall."""

import datetime

import pytest
from django.utils import timezone

from donations.constants import DonationStatus, Recognition
from donations.models import Allocation, Donation, DonationPage
from projects.models import ProjectPage
from tests.home.test_queries import count_queries

pytestmark = pytest.mark.django_db

# Measured on SQLite with the demo site; a change that adds queries must say why here.
# Counted with the page cache's fragments off (test settings): the menu (2), the
# organisation's settings (1, shared by the campaign's offline-giving details) and the
# news index's address (2) are read on each page.
CAMPAIGN_QUERIES = 21
LEDGER_QUERIES = 15
WALL_QUERIES = 13


def add_gifts(page: DonationPage, count: int, start: int = 0) -> None:
    Donation.objects.bulk_create(
        [
            Donation(
                page=page,
                amount_cents=5000,
                status=DonationStatus.PAID,
                received_at=timezone.now(),
                consent_processing=True,
                first_name="Donatrice",
                last_name=f"N° {number}",
                email=f"don{number}@example.org",
                address_line1="1 rue du Lac",
                postal_code="39000",
                city="Lons-le-Saunier",
                recognition=Recognition.NAME if number % 2 else Recognition.ANONYMOUS,
            )
            for number in range(start, start + count)
        ]
    )


def add_allocations(count: int) -> None:
    projects = list(ProjectPage.objects.live()[:5])
    Allocation.objects.bulk_create(
        [
            Allocation(
                project=projects[number % len(projects)],
                title=f"Engagement {number}",
                decided_on=datetime.date(2025, 1, 1),
                committed_cents=100_000,
                paid_cents=50_000,
            )
            for number in range(count)
        ]
    )


@pytest.mark.parametrize(
    ("suffix", "budget"),
    [("", CAMPAIGN_QUERIES), ("registre/", LEDGER_QUERIES), ("donateurs/", WALL_QUERIES)],
)
def test_fund_pages_cost_the_same_whatever_the_gifts_and_commitments(
    client, demo_site, suffix, budget
):
    page = DonationPage.objects.get(slug="fonds-impulsion")
    url = page.url + suffix
    add_gifts(page, 2)
    few = count_queries(client, url)
    add_gifts(page, 198, start=2)
    add_allocations(30)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with 2 gifts, {many} with 200"
    assert many == budget, f"{url}: {many} queries, pinned at {budget}"
