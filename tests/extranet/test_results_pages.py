"""The results screen (/resultats/) and the published receipts (/recus/) of a general
assembly: live turnout without partial results while the vote is open, the per-college
and weighted results once it is closed; receipt codes published only after closing,
found by a search that needs no JavaScript; both private (login for anonymous visitors,
403 for an account that is no associate, staff let in), and their query counts."""

import re

import pytest
from django.contrib.auth import get_user_model

from extranet.constants import ResolutionKind
from extranet.models import Ballot, Participation
from tests.extranet.participation import (
    LOGIN,
    associates,  # noqa: F401  (fixture)
    main_text,
    staff_user,
)
from tests.extranet.test_results import close, make_assembly, make_associates, votes
from tests.home.test_queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_assembly(demo_site):
    """The secretary's table: five colleges 30/25/20/15/10, one ordinary resolution
    (57 % for once weighted) and one extraordinary resolution (two thirds needed)."""
    assembly = make_assembly(
        slug="ag-ecran",
        resolutions=[
            ("Approbation des comptes", ResolutionKind.ORDINARY, ""),
            ("Règlement du fonds", ResolutionKind.EXTRAORDINARY, ""),
        ],
    )
    accounts, statutes = assembly.resolutions.order_by("sort_order")
    people_by_college = {
        "salaries": make_associates("salaries", 9),
        "beneficiaires": make_associates("beneficiaires", 6),
        "collectivites": make_associates("collectivites", 4),
        "partenaires": make_associates("partenaires", 4),
        "fondateurs": make_associates("fondateurs", 10),
    }
    for slug, table in {
        "salaries": "ppppppcca",
        "beneficiaires": "pppccc",
        "collectivites": "pccc",
        "partenaires": "pppp",
        "fondateurs": "ppcccccccc",
    }.items():
        votes(accounts, people_by_college[slug], table)
    votes(statutes, people_by_college["salaries"], "pppppp---")
    assembly.people = people_by_college
    return assembly


def test_while_open_the_screen_shows_turnout_per_college_never_partial_results(
    client, table_assembly
):
    voter = table_assembly.people["salaries"][0]
    client.force_login(voter.user)
    response = client.get(table_assembly.url + "resultats/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = main_text(response)
    assert "Participation au vote" in page
    assert "Les résultats seront publiés ici à la clôture" in page
    # Salariés: 9 of 9 voted; Fondateurs: 10 of 10.
    assert re.search(r'Salariés</th>\s*<td class="num">9</td>\s*<td class="num">9</td>', page)
    assert "Ont voté" in page
    for secret in ("57,00", "% pour", "Résultat pondéré", "Adoptée", "Rejetée"):
        assert secret not in page


def test_after_closing_the_screen_shows_per_college_and_weighted_results(client, table_assembly):
    close(table_assembly)
    client.force_login(table_assembly.people["fondateurs"][0].user)
    page = main_text(client.get(table_assembly.url + "resultats/"))
    assert "Résultats des votes" in page
    assert "Quorum" in page and "Partie ordinaire" in page and "Partie extraordinaire" in page
    assert "Résolution 1 : résultats par collège et résultat pondéré" in page
    assert "Résultat pondéré" in page
    assert "57,00\u00a0%" in page and "43,00\u00a0%" in page
    assert "75,00\u00a0%" in page  # Salariés
    assert "Adoptée : 57,00\u00a0% des voix pondérées pour" in page
    # The extraordinary resolution: six "for" in one college only, 100 % -> adopted.
    assert (
        "Adoptée : 100,00\u00a0% des voix pondérées pour ; il en fallait au moins les deux tiers"
        in page
    )
    assert "recus/" in page


def test_receipts_are_published_after_closing_only_and_found_by_code(client, table_assembly):
    voter = table_assembly.people["partenaires"][0]
    mine = Ballot.objects.filter(associate=voter).get()
    client.force_login(voter.user)
    url = table_assembly.url + "recus/"
    page = main_text(client.get(url))
    assert "sera publiée ici dès la clôture du vote" in page
    assert mine.receipt not in page

    close(table_assembly)
    response = client.get(url)
    page = main_text(response)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "39 en tout" in page  # 33 ballots on the accounts, 6 on the statutes
    assert all(code in page for code in Ballot.objects.values_list("receipt", flat=True))
    assert voter.display_name not in page  # codes and choices, never names

    # The search, a plain GET form: spaces and dashes typed are ignored.
    spaced = f"{mine.receipt[:5].lower()}-{mine.receipt[5:]}"
    page = main_text(client.get(url, {"code": spaced}))
    assert f"Code {mine.receipt}" in page
    assert "Compté : résolution 1 « Approbation des comptes », vote <strong>pour</strong>" in page
    page = main_text(client.get(url, {"code": "ZZZZZZZZZZ"}))
    assert "Aucun bulletin de cette assemblée n'a ce code" in page

    # One resolution only; bad input is ignored, never a 500.
    statutes = table_assembly.resolutions.get(kind=ResolutionKind.EXTRAORDINARY)
    page = main_text(client.get(url, {"resolution": statutes.pk}))
    assert "6 en tout" in page
    for query in ({"resolution": "abc"}, {"page": "zzz"}, {"code": "'\"<x>" * 20}):
        assert client.get(url, query).status_code == 200


def test_an_assembly_without_online_vote_sends_to_its_page(client, associates):  # noqa: F811
    client.force_login(associates["associe1"].user)
    page = main_text(client.get("/extranet/assemblees-generales/2021/resultats/"))
    assert "Cette assemblée n'a pas de vote en ligne" in page
    assert "<table" not in page
    page = main_text(client.get("/extranet/assemblees-generales/2021/recus/"))
    assert "elle n'a ni bulletins ni codes de reçu" in page


@pytest.mark.parametrize("route", ["resultats/", "recus/"])
def test_both_pages_are_private(client, table_assembly, associates, route):  # noqa: F811
    url = table_assembly.url + route
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    client.force_login(get_user_model().objects.get(username="visiteur"))
    response = client.get(url)
    assert response.status_code == 403
    assert "Approbation des comptes" not in response.content.decode()

    client.force_login(staff_user())
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


# Query budgets (SQLite and PostgreSQL alike), with template fragments not cached (as
# in every test since PAGE_CACHE_FRAGMENTS). 29 are the frame every extranet route pays:
# session, user, two-factor device, site, the page's path (7), Wagtail's restriction
# checks (10: the page, then its route), the organisation's settings, the menu and the
# footer (restrictions and pages, 5), the user's permissions (2). Then the screen's own:
# open: resolutions, colleges, associates with voting rights per college, voters per
# college; closed: the resolutions with their stored results; receipts: resolutions,
# the count and one page of ballots.
RESULTS_OPEN_QUERIES = 33
RESULTS_CLOSED_QUERIES = 30
RECEIPTS_QUERIES = 32


def test_the_results_and_receipts_cost_the_same_with_more_associates(client, table_assembly):
    client.force_login(table_assembly.people["salaries"][0].user)
    results_url, receipts_url = table_assembly.url + "resultats/", table_assembly.url + "recus/"
    (accounts,) = table_assembly.resolutions.filter(kind=ResolutionKind.ORDINARY)

    few = count_queries(client, results_url)
    votes(accounts, make_associates("beneficiaires", 30), "pc" * 15)
    many = count_queries(client, results_url)
    assert few == many == RESULTS_OPEN_QUERIES, (few, many)

    close(table_assembly)
    few = count_queries(client, results_url), count_queries(client, receipts_url)
    votes(accounts, make_associates("collectivites", 30), "pca" * 10)  # (after closing)
    assert Participation.objects.count() == 99  # 39 + 30 + 30
    many = count_queries(client, results_url), count_queries(client, receipts_url)
    assert few == many == (RESULTS_CLOSED_QUERIES, RECEIPTS_QUERIES), (few, many)
