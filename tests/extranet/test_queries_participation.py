"""The assembly page (with the associate's part), the proxy page and the voting page cost
a fixed number of queries, whatever the number of associates, proxies held, resolutions
and votes already cast."""

import datetime

import pytest
from django.test import Client

from extranet.models import AssemblyResolution, Proxy
from extranet.services import assemblies as services
from tests.extranet.participation import (
    associates,  # noqa: F401  (fixture)
    build_assembly,
    new_associate,
)
from tests.home.test_queries import count_queries

pytestmark = pytest.mark.django_db

# Counted as a page renders with the page cache's fragments off (the test settings): each
# page also reads the organisation's settings (1), the menu (2) and the news index's
# address (2), which the fragments keep in production.
ASSEMBLY_PAGE_QUERIES = 39
PROXY_PAGE_QUERIES = 40
VOTE_PAGE_QUERIES = 40


def grow(assembly, holder, *, principals: int, resolutions: int, start: int):
    """More associates (who gave their proxy to `holder`), more resolutions, and the
    votes of `holder` for all of them."""
    for number in range(start, start + principals):
        principal = new_associate(f"Prénom{number}", f"Mandant{number:03d}")
        Proxy.objects.create(assembly=assembly, principal=principal, holder=holder)
    for number in range(resolutions):
        AssemblyResolution.objects.create(
            page=assembly,
            title=f"Résolution ajoutée {start}-{number}",
            sort_order=100 + start + number,
        )
    if assembly.voting_state() != "open":
        return
    sheet = services.voting_sheet(assembly, holder)
    services.cast_votes(
        assembly,
        voter=holder,
        choices={
            (person.associate.pk, resolution.pk): "for"
            for person in sheet.people
            for resolution in sheet.resolutions
            if (person.associate.pk, resolution.pk) not in sheet.voted and not resolution.secret
        },
    )


@pytest.mark.parametrize(
    ("route", "viewer", "budget"),
    [
        ("", "associe2", ASSEMBLY_PAGE_QUERIES),
        ("vote/", "associe2", VOTE_PAGE_QUERIES),
        # Before the vote opens, for an associate choosing a holder among the others.
        ("procuration/", "associe3", PROXY_PAGE_QUERIES),
    ],
)
def test_participation_pages_cost_the_same_whatever_the_content(
    associates,  # noqa: F811
    route,
    viewer,
    budget,
):
    upcoming = {
        "opens": datetime.timedelta(days=3),
        "closes": datetime.timedelta(days=5),
        "held": datetime.timedelta(days=6),
    }
    window = upcoming if route == "procuration/" else {}
    assembly = build_assembly(proxy_cap=50, **window)
    holder = associates["associe2"]
    client = Client()
    client.force_login(associates[viewer].user)
    url = assembly.url + route
    grow(assembly, holder, principals=1, resolutions=0, start=0)
    few = count_queries(client, url)
    grow(assembly, holder, principals=12, resolutions=5, start=1)
    for number in range(40):
        new_associate(f"Prénom{number}", f"Autre{number:03d}")
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with 1 proxy, {many} with 13 and 5 more resolutions"
    assert many == budget, f"{url}: {many} queries, pinned at {budget}"
