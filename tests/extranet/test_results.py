"""Closing the vote of a general assembly: results computed from the ballots (per
college, weighted), the quorum per part, proxies counted in the principal's college,
an assembly without colleges; closing is idempotent and refused while the window is
open; the minutes PDF; the results screen and the published receipts, private."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from extranet.constants import (
    AssemblyEventKind,
    AssemblyKind,
    AssociateStatus,
    DocumentKind,
    Majority,
    ResolutionKind,
    ResolutionOutcome,
    VoteChoice,
)
from extranet.models import (
    AssemblyDocument,
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    Ballot,
    College,
    CollegeShare,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    Participation,
    Presence,
    RoomCount,
    associates_collection,
)
from extranet.services import assemblies, results
from extranet.services.assemblies import new_receipts
from tests.extranet.participation import new_associate

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN
SHARES = {
    "salaries": 30,
    "beneficiaires": 25,
    "collectivites": 20,
    "partenaires": 15,
    "fondateurs": 10,
}
_serial = iter(range(1, 1_000_000))


def college(slug: str) -> College:
    return College.objects.get(slug=slug)


def make_associates(slug: str, count: int, **fields) -> list[Associate]:
    """`count` associates with voting rights in college `slug`."""
    return [
        new_associate(f"Prénom{number}", f"Nom{number:05d}", slug, **fields)
        for number in (next(_serial) for _i in range(count))
    ]


def make_assembly(
    *,
    slug: str,
    shares: dict | None = SHARES,
    resolutions=(("Comptes", ResolutionKind.ORDINARY, ""),),
    kind=AssemblyKind.MIXED,
    window="open",
    **fields,
) -> GeneralAssemblyPage:
    """An assembly under the demo's index, its online vote `window`: "open", "upcoming"
    or "ended" (closed by the clock, not yet by staff)."""
    now = timezone.now()
    opens, closes = {
        "open": (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)),
        "upcoming": (now + datetime.timedelta(days=1), now + datetime.timedelta(days=2)),
        "ended": (now - datetime.timedelta(days=2), now - datetime.timedelta(hours=1)),
    }[window]
    page = GeneralAssemblyPage(
        title=f"Assemblée générale {slug}",
        slug=slug,
        held_at=now + datetime.timedelta(days=3),
        place="Salle des fêtes de Conliège",
        kind=kind,
        votes_open_at=opens,
        votes_close_at=closes,
        college_shares=[
            CollegeShare(college=college(name), share=Decimal(share), sort_order=order)
            for order, (name, share) in enumerate((shares or {}).items())
        ],
        resolutions=[
            AssemblyResolution(
                title=title,
                text=f"Texte : {title}.",
                kind=part,
                majority=majority,
                sort_order=order,
            )
            for order, (title, part, majority) in enumerate(resolutions)
        ],
        **fields,
    )
    GeneralAssemblyIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return GeneralAssemblyPage.objects.get(pk=page.pk)


def vote(resolution: AssemblyResolution, associate: Associate, choice: str, *, by=None) -> Ballot:
    """A ballot as the voting service writes it: counted in the college of the associate
    it is cast for, with its line in the register."""
    Participation.objects.create(
        resolution=resolution, associate=associate, cast_by=by or associate
    )
    return Ballot.objects.create(
        resolution=resolution,
        college_id=associate.college_id,
        choice=choice,
        receipt=new_receipts(1)[0],
        associate=None if resolution.secret else associate,
    )


def votes(resolution, people, table: str):
    """`table`: one letter a person, in order: p(our), c(ontre), a(bstention), - (none)."""
    letters = {"p": FOR, "c": AGAINST, "a": ABSTAIN}
    for person, letter in zip(people, table, strict=True):
        if letter != "-":
            vote(resolution, person, letters[letter])


def close(assembly, **kwargs):
    results.close_vote(assembly, user=None, force=True, **kwargs)
    assembly.refresh_from_db()
    return {r.title: r for r in AssemblyResolution.objects.filter(page=assembly)}


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- results stored at closing ------------------------------------------------------------


def test_closing_weighs_each_college_as_the_secretary_computes_it(demo_site):
    # Salariés 30 %: 6 for, 2 against, 1 abstention -> 75 % for
    # Bénéficiaires 25 %: 3 / 3 -> 50 %; Collectivités 20 %: 1 / 3 -> 25 %
    # Partenaires 15 %: 4 / 0 -> 100 %; Fondateurs 10 %: 2 / 8 -> 20 %
    # Weighted: 22,5 + 12,5 + 5 + 15 + 2 = 57 % for -> adopted (raw count: 16 / 16).
    assembly = make_assembly(slug="ag-table")
    (resolution,) = assembly.resolutions.all()
    votes(resolution, make_associates("salaries", 9), "ppppppcca")
    votes(resolution, make_associates("beneficiaires", 6), "pppccc")
    votes(resolution, make_associates("collectivites", 4), "pccc")
    votes(resolution, make_associates("partenaires", 4), "pppp")
    votes(resolution, make_associates("fondateurs", 10), "ppcccccccc")

    stored = close(assembly)["Comptes"]
    assert stored.outcome == ResolutionOutcome.ADOPTED
    assert (stored.votes_for, stored.votes_against, stored.votes_abstaining) == (16, 16, 1)
    assert not stored.unanimous
    result = stored.result
    assert result["weighted"] is True
    assert result["for_pct"] == "57,00\u00a0%" and result["against_pct"] == "43,00\u00a0%"
    table = {line["name"]: line for line in result["colleges"]}
    assert [line["name"] for line in result["colleges"]] == [
        "Salariés",
        "Bénéficiaires",
        "Collectivités locales",
        "Partenaires",
        "Fondateurs",
    ]
    assert (table["Salariés"]["for"], table["Salariés"]["abstain"]) == (6, 1)
    assert table["Salariés"]["for_pct"] == "75,00\u00a0%"
    assert table["Fondateurs"]["against_pct"] == "80,00\u00a0%"
    assert table["Partenaires"]["share"] == "15\u00a0%"
    assert result["majority"] == Majority.SIMPLE
    event = AssemblyEvent.objects.get(assembly=assembly, kind=AssemblyEventKind.VOTE_CLOSED)
    assert "1 résolution(s) adoptée(s) sur 1" in event.detail
    assert "avant l'heure prévue" in event.detail  # closed early, with force: logged


def test_a_silent_college_is_redistributed_or_lost_as_the_assembly_says(demo_site):
    # Salariés 3/1 (75 %), Bénéficiaires 1/1, Collectivités 1/3, Partenaires 1/1,
    # Fondateurs: two abstentions only, no vote expressed.
    # Spread: 47,5 / 90 = 52,78 % -> adopted; lost: 47,5 % of 100 -> rejected.
    tables = {
        "salaries": "pppc",
        "beneficiaires": "pc",
        "collectivites": "pccc",
        "partenaires": "pc",
        "fondateurs": "aa",
    }
    people = {slug: make_associates(slug, len(table)) for slug, table in tables.items()}
    outcomes = {}
    for redistribute in (True, False):
        assembly = make_assembly(
            slug=f"ag-silent-{redistribute}", redistribute_silent_colleges=redistribute
        )
        (resolution,) = assembly.resolutions.all()
        for slug, table in tables.items():
            votes(resolution, people[slug], table)
        outcomes[redistribute] = close(assembly)["Comptes"]
    spread, lost = outcomes[True], outcomes[False]
    assert spread.outcome == ResolutionOutcome.ADOPTED
    assert spread.result["for_pct"] == "52,78\u00a0%"
    weights = {line["name"]: line["weight"] for line in spread.result["colleges"]}
    assert weights["Salariés"] == "33,33\u00a0%" and weights["Fondateurs"] == "0,00\u00a0%"
    assert lost.outcome == ResolutionOutcome.REJECTED
    assert lost.result["for_pct"] == "47,50\u00a0%"
    assert lost.result["lost_pct"] == "10,00\u00a0%"


def test_abstentions_only_a_tie_and_two_thirds(demo_site):
    people = {slug: make_associates(slug, 3) for slug in SHARES}
    assembly = make_assembly(
        slug="ag-cas",
        resolutions=[
            ("Abstentions", ResolutionKind.ORDINARY, ""),
            ("Égalité", ResolutionKind.ORDINARY, ""),
            ("Statuts, deux tiers", ResolutionKind.EXTRAORDINARY, ""),
            ("Statuts, un peu moins", ResolutionKind.EXTRAORDINARY, ""),
        ],
    )
    abstentions, tie, two_thirds, below = assembly.resolutions.order_by("sort_order")
    for slug in SHARES:
        votes(abstentions, people[slug], "aaa")
        votes(two_thirds, people[slug], "ppc")  # 2/3 in every college
    # For: Salariés (30) + Collectivités (20) = 50 %; against: 25 + 15 + 10.
    for slug in SHARES:
        votes(tie, people[slug], "ppp" if slug in ("salaries", "collectivites") else "ccc")
    # Two thirds everywhere but the Fondateurs (10 %): 1 for, 1 against, 1 abstention
    # -> 0.9 x 2/3 + 0.1 x 1/2 = 65 %.
    for slug in SHARES:
        votes(below, people[slug], "pca" if slug == "fondateurs" else "ppc")

    stored = close(assembly)
    assert stored["Abstentions"].outcome == ResolutionOutcome.REJECTED
    assert stored["Abstentions"].result["reason"] == "Rejetée : aucune voix exprimée."
    assert stored["Abstentions"].votes_abstaining == 15
    assert stored["Égalité"].outcome == ResolutionOutcome.REJECTED
    assert stored["Égalité"].result["for_pct"] == "50,00\u00a0%"
    assert stored["Statuts, deux tiers"].result["majority"] == Majority.TWO_THIRDS
    assert stored["Statuts, deux tiers"].outcome == ResolutionOutcome.ADOPTED
    assert stored["Statuts, deux tiers"].result["for_exact"] == "2/3"
    assert stored["Statuts, un peu moins"].outcome == ResolutionOutcome.REJECTED
    assert stored["Statuts, un peu moins"].result["for_pct"] == "65,00\u00a0%"


def test_a_missed_quorum_leaves_its_part_unadopted(demo_site):
    # Ten associates with voting rights (and one who left, who does not count): one
    # voted online, one is present, one is represented by the online voter; another
    # gave a proxy to someone who did nothing -> 3 / 10 = 30 %.
    voters = make_associates("salaries", 10)
    make_associates("salaries", 1, status=AssociateStatus.LEFT, left_on=datetime.date(2024, 1, 1))
    assembly = make_assembly(
        slug="ag-quorum",
        window="upcoming",
        extraordinary_quorum=Decimal(35),
        resolutions=[
            ("Comptes", ResolutionKind.ORDINARY, ""),
            ("Statuts", ResolutionKind.EXTRAORDINARY, ""),
        ],
    )
    assemblies.give_proxy(assembly, principal=voters[2], holder=voters[0])
    assemblies.give_proxy(assembly, principal=voters[3], holder=voters[4])
    ordinary, extraordinary = assembly.resolutions.order_by("sort_order")
    for resolution in (ordinary, extraordinary):
        vote(resolution, voters[0], FOR)
    Presence.objects.create(assembly=assembly, associate=voters[1])

    stored = close(assembly)
    assert assembly.quorum_result["attendance"] == {
        "voting_rights": 10,
        "present": 1,
        "online": 1,
        "represented": 1,
        "participants": 3,
    }
    ordinary_quorum = assembly.quorum_result[ResolutionKind.ORDINARY]
    extraordinary_quorum = assembly.quorum_result[ResolutionKind.EXTRAORDINARY]
    assert ordinary_quorum["rate"] == extraordinary_quorum["rate"] == "30,00\u00a0%"
    assert ordinary_quorum["required"] == "20\u00a0%" and ordinary_quorum["reached"] is True
    assert extraordinary_quorum["required"] == "35\u00a0%"
    assert extraordinary_quorum["reached"] is False
    assert stored["Comptes"].outcome == ResolutionOutcome.ADOPTED
    assert stored["Statuts"].outcome == ResolutionOutcome.REJECTED
    assert stored["Statuts"].result["reason"] == (
        "Non adoptée : quorum non atteint pour la partie extraordinaire."
    )
    assert stored["Statuts"].result["for_pct"] == "100,00\u00a0%"  # figures still shown


def test_a_proxy_vote_counts_in_the_principals_college(demo_site):
    # A founder (10 %) gives a proxy to an employee (30 %); the employee votes for
    # himself (for) and for the founder (against). The founder then moves to the
    # partners' college: the ballot stays in the college it was cast in.
    (holder,) = make_associates("salaries", 1)
    (principal,) = make_associates("fondateurs", 1)
    assembly = make_assembly(slug="ag-pouvoir", window="upcoming")
    assemblies.give_proxy(assembly, principal=principal, holder=holder)
    GeneralAssemblyPage.objects.filter(pk=assembly.pk).update(
        votes_open_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assembly.refresh_from_db()
    (resolution,) = assembly.resolutions.all()
    assemblies.cast_votes(
        assembly,
        voter=holder,
        choices={(holder.pk, resolution.pk): FOR, (principal.pk, resolution.pk): AGAINST},
    )
    Associate.objects.filter(pk=principal.pk).update(college=college("partenaires"))

    result = close(assembly)["Comptes"].result
    table = {line["name"]: line for line in result["colleges"]}
    assert (table["Salariés"]["for"], table["Salariés"]["against"]) == (1, 0)
    assert (table["Fondateurs"]["for"], table["Fondateurs"]["against"]) == (0, 1)
    assert table["Partenaires"]["expressed"] == 0
    # Only two colleges expressed a vote: 30 / 40 for, 10 / 40 against.
    assert result["for_pct"] == "75,00\u00a0%"
    assert result["adopted"] is True
    assert assembly.quorum_result["attendance"]["online"] >= 1
    assert assembly.quorum_result["attendance"]["represented"] >= 1


def test_an_assembly_without_colleges_counts_one_associate_one_vote(demo_site):
    # No shares: 3 for (in two colleges), 2 against, 1 abstention -> 60 % of 5.
    assembly = make_assembly(slug="ag-sans-colleges", shares=None)
    (resolution,) = assembly.resolutions.all()
    votes(resolution, make_associates("salaries", 4), "ppca")
    votes(resolution, make_associates("fondateurs", 2), "pc")
    # A show of hands in the room adds to the online ballots.
    RoomCount.objects.create(
        resolution=resolution, college=college("salaries"), votes_for=0, votes_against=1
    )
    stored = close(assembly)["Comptes"]
    assert stored.result["weighted"] is False
    assert (stored.votes_for, stored.votes_against, stored.votes_abstaining) == (3, 3, 1)
    assert stored.result["for_pct"] == "50,00\u00a0%"
    assert stored.outcome == ResolutionOutcome.REJECTED  # a tie
    assert stored.result["reason"].startswith("Rejetée : 50,00\u00a0% des voix exprimées pour")


# --- closing: when, how often ---------------------------------------------------------------


def test_closing_is_refused_while_the_vote_is_open_and_is_idempotent(demo_site):
    voters = make_associates("salaries", 2)
    assembly = make_assembly(slug="ag-cloture")
    (resolution,) = assembly.resolutions.all()
    votes(resolution, voters, "pp")
    with pytest.raises(results.CloseRefused, match="ouvert jusqu'au"):
        results.close_vote(assembly, user=None)
    assembly.refresh_from_db()
    assert assembly.votes_closed_at is None
    assert AssemblyResolution.objects.get(pk=resolution.pk).outcome == ResolutionOutcome.PENDING

    # After the window, closing needs no force.
    GeneralAssemblyPage.objects.filter(pk=assembly.pk).update(
        votes_close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert results.close_vote(assembly, user=None) is True
    assembly.refresh_from_db()
    closed_at = assembly.votes_closed_at
    event = AssemblyEvent.objects.get(assembly=assembly, kind=AssemblyEventKind.VOTE_CLOSED)
    assert "avant l'heure" not in event.detail
    resolution.refresh_from_db()
    assert resolution.outcome == ResolutionOutcome.ADOPTED and resolution.unanimous

    # A late ballot (none can be cast now) and a second closing change nothing.
    assert results.close_vote(assembly, user=None, force=True) is False
    assembly.refresh_from_db()
    assert assembly.votes_closed_at == closed_at
    assert AssemblyEvent.objects.filter(assembly=assembly).count() == 2  # closed, minutes
    assert AssemblyDocument.objects.filter(page=assembly, kind=DocumentKind.MINUTES).count() == 1


def test_closing_an_upcoming_vote_needs_force(demo_site):
    assembly = make_assembly(slug="ag-pas-ouvert", window="upcoming")
    with pytest.raises(results.CloseRefused, match="pas encore ouvert"):
        results.close_vote(assembly, user=None)
    assert results.close_vote(assembly, user=None, force=True) is True


# --- the minutes ------------------------------------------------------------------------------


def test_the_minutes_list_each_resolution_with_its_results_and_the_attendance(demo_site):
    employees = make_associates("salaries", 3, organisation="Scierie du Revermont")
    partners = make_associates("partenaires", 2)
    assembly = make_assembly(
        slug="ag-pv",
        resolutions=[
            ("Approbation des comptes 2025", ResolutionKind.ORDINARY, ""),
            ("Règlement du fonds d'impulsion", ResolutionKind.EXTRAORDINARY, ""),
        ],
    )
    accounts, statutes = assembly.resolutions.order_by("sort_order")
    votes(accounts, employees, "ppc")
    votes(accounts, partners, "pp")
    votes(statutes, employees, "ccc")
    Presence.objects.create(assembly=assembly, associate=partners[1])
    close(assembly)

    link = AssemblyDocument.objects.select_related("document").get(
        page=assembly, kind=DocumentKind.MINUTES
    )
    document = link.document
    assert document.collection == associates_collection()  # private: the associates'
    assert document.title == "Procès-verbal : Assemblée générale ag-pv"
    text = pdf_text(document)
    for expected in (
        "Procès-verbal de l'assemblée générale mixte",
        "Salle des fêtes de Conliège",
        "Résolution n° 1 : Approbation des comptes 2025",
        "Résolution n° 2 : Règlement du fonds d'impulsion",
        "Adoptée",
        "Rejetée",
        "Quorum",
        "Partie ordinaire",
        "Partie extraordinaire",
        "Salariés",
        "66,67",  # Salariés on the accounts: 2 for of 3
        "Annexe : feuille de présence",
        employees[0].display_name,
        "Scierie du Revermont",
        "président ou la présidente de séance",
        "secrétaire",
    ):
        assert expected in text, expected
    assert AssemblyEvent.objects.filter(assembly=assembly, kind=AssemblyEventKind.MINUTES).exists()

    # Written again (after a fix of the attendance sheet, say): the generated minutes
    # are replaced, a document staff attached stays.
    results.write_minutes(assembly, user=None)
    links = AssemblyDocument.objects.filter(page=assembly, kind=DocumentKind.MINUTES)
    assert links.count() == 1 and links.get().document_id != document.pk


def test_publishing_an_older_revision_keeps_the_generated_minutes(demo_site):
    assembly = make_assembly(slug="ag-revision")
    revision = assembly.latest_revision
    close(assembly)
    revision.publish()
    assert AssemblyDocument.objects.filter(page=assembly, kind=DocumentKind.MINUTES).exists()
    assembly.refresh_from_db()
    assert assembly.votes_closed_at is not None
