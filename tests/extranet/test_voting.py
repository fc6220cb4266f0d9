"""Online votes, as associates cast them on the voting page: only while the window is
open; once per associate and resolution (concurrent posts give one ballot); for
oneself and the principals whose proxy one holds, never for another; never by a
principal who gave their proxy; ballots counted in the college of the associate they
are for; a receipt code per ballot that verifies; open ballots changed by choosing
again, secret ones only with their receipt; secret ballots keep no link between an
associate and a choice (rows, log, emails)."""

import datetime
import re
import threading

import pytest
from django.test import Client

from extranet.constants import RECEIPT_ALPHABET, RECEIPT_LENGTH, AssemblyEventKind
from extranet.forms.assemblies import receipt_field_name, vote_field_name
from extranet.models import AssemblyEvent, Ballot, Participation, Proxy
from extranet.services import assemblies as services
from home.models import OutboxEmail
from tests.extranet.participation import (
    associates,  # noqa: F401  (fixture)
    build_assembly,
    client_for,
    main_text,
    new_associate,
    set_window,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"\b[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}\b")


@pytest.fixture
def assembly(associates):  # noqa: F811
    """Voting open since yesterday, until tomorrow; resolution 2 is secret."""
    return build_assembly()


def vote_url(assembly) -> str:
    return assembly.url + "vote/"


def resolutions(assembly):
    return list(assembly.resolutions.order_by("sort_order"))


def ballot_data(associate, assembly, *choices, receipts=None) -> dict:
    data = {
        vote_field_name(associate.pk, resolution.pk): choice
        for resolution, choice in zip(resolutions(assembly), choices, strict=False)
        if choice
    }
    for number, code in (receipts or {}).items():
        data[receipt_field_name(associate.pk, resolutions(assembly)[number - 1].pk)] = code
    return data


def refused_code(assembly, voter, associate, resolution, choice="for") -> str:
    """The code of the refusal the service gives to this one vote."""
    with pytest.raises(services.VoteRefused) as refused:
        services.cast_votes(assembly, voter=voter, choices={(associate.pk, resolution.pk): choice})
    return refused.value.code


def shown_codes(response) -> list[str]:
    return CODE.findall(main_text(response))


def give_proxy_directly(assembly, principal, holder):
    """A proxy given before the vote opened (the proxy tests go through the rules)."""
    return Proxy.objects.create(assembly=assembly, principal=principal, holder=holder)


def test_an_associate_votes_and_sees_a_receipt_per_ballot(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    client = client_for(camille)
    assembly_page = main_text(client.get(assembly.url))
    assert "Le vote en ligne est ouvert" in assembly_page and "Voter en ligne" in assembly_page
    assert f'href="{assembly.url}resultats/"' in assembly_page

    form = main_text(client.get(vote_url(assembly)))
    assert form.count("<fieldset") == 3 and "Mon vote" in form
    assert form.count('type="radio"') == 9
    assert "1. Approbation des comptes 2025" in form and "Vote à bulletin secret." in form

    response = client.post(
        vote_url(assembly), ballot_data(camille, assembly, "for", "against", "abstain")
    )
    assert response.status_code == 200
    page = main_text(response)
    assert "Vos votes sont enregistrés" in page
    assert "Notez maintenant les codes des votes secrets" in page
    codes = shown_codes(response)
    assert len(codes) == 3 and len(set(codes)) == 3

    # Each code verifies: the ballot it names has the choice made, in the voter's college.
    first, secret, third = resolutions(assembly)
    for code, resolution, choice in zip(
        codes, (first, secret, third), ("for", "against", "abstain"), strict=True
    ):
        ballot = Ballot.objects.get(receipt=code)
        assert (ballot.resolution, ballot.choice, ballot.college) == (
            resolution,
            choice,
            camille.college,
        )
    assert set(Participation.objects.values_list("associate", "cast_by")) == {
        (camille.pk, camille.pk)
    }
    assert Participation.objects.count() == 3
    assert AssemblyEvent.objects.filter(kind=AssemblyEventKind.VOTE_CAST).count() == 3

    # The voting page now shows the open ballots' choices and codes.
    again = client.get(vote_url(assembly))
    form = main_text(again)
    assert f"Vote enregistré : pour (code de reçu {codes[0]})" in form
    assert codes[1] not in form  # a secret ballot's code is shown once, at casting
    assert "Code de reçu de ce vote secret" in form
    assert "Vous avez voté sur 3 des 3 résolutions" in main_text(client.get(assembly.url))


def test_the_confirmation_email_lists_open_receipts_only(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    response = client_for(camille).post(
        vote_url(assembly), ballot_data(camille, assembly, "for", "against", "for")
    )
    codes = shown_codes(response)
    email = OutboxEmail.objects.get(kind="extranet.vote_confirmation")
    assert email.to == "associe1@example.org"
    assert codes[0] in email.body_text and codes[2] in email.body_text
    assert codes[1] not in email.body_text and codes[1] not in email.body_html
    assert codes[0] in email.body_html and codes[2] in email.body_html
    line = next(line for line in email.body_text.splitlines() if "Résolution 2" in line)
    assert "vote secret enregistré" in line and "contre" not in line


def test_no_vote_outside_the_window(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    client = client_for(camille)
    data = ballot_data(camille, assembly, "for", "for", "for")

    upcoming = set_window(
        assembly, opens=datetime.timedelta(hours=2), closes=datetime.timedelta(days=1)
    )
    page = main_text(client.get(vote_url(upcoming)))
    assert "Le vote en ligne ouvrira le" in page and 'type="radio"' not in page
    response = client.post(vote_url(assembly), data)
    assert response.status_code == 400 and "Le vote en ligne ouvre le" in main_text(response)

    set_window(assembly, opens=datetime.timedelta(days=-2), closes=datetime.timedelta(seconds=-1))
    response = client.post(vote_url(assembly), data)
    assert response.status_code == 400
    assert "Le vote en ligne est clos" in main_text(response)

    set_window(
        assembly, closes=datetime.timedelta(days=1), closed_at=datetime.timedelta(minutes=-5)
    )
    response = client.post(vote_url(assembly), data)
    assert response.status_code == 400 and 'type="radio"' not in main_text(response)
    assert not Participation.objects.exists() and not Ballot.objects.exists()
    assert not OutboxEmail.objects.filter(kind="extranet.vote_confirmation").exists()


def test_the_window_is_read_when_the_vote_is_written(assembly, associates):  # noqa: F811
    """The vote closed while the voter's page was open: the service reads the database,
    not the page it was handed."""
    camille = associates["associe1"]
    stale = assembly
    set_window(assembly, closed_at=datetime.timedelta(seconds=-1))
    assert refused_code(stale, camille, camille, resolutions(stale)[0]) == "window"
    assert not Ballot.objects.exists()


def test_one_ballot_per_associate_and_resolution(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    first, secret, _third = resolutions(assembly)
    for _attempt in range(2):
        services.cast_votes(assembly, voter=camille, choices={(camille.pk, first.pk): "for"})
    assert Ballot.objects.filter(resolution=first).count() == 1
    assert Participation.objects.filter(resolution=first).count() == 1

    services.cast_votes(assembly, voter=camille, choices={(camille.pk, secret.pk): "for"})
    assert refused_code(assembly, camille, camille, secret, choice="against") == "secret_receipt"
    assert Ballot.objects.filter(resolution=secret).count() == 1
    assert Ballot.objects.get(resolution=secret).choice == "for"


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_the_same_vote_give_one_ballot(demo_site):
    """Four posts at once from the same associate (threads with their own database
    connections; PostgreSQL in CI): one participation and one ballot per resolution,
    the other posts answered with a French message, never a 500."""
    from django.db import connection

    from extranet.demo import documents, pages, people
    from tests.extranet.participation import _Silent

    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())
    assembly = build_assembly()
    camille = found["associe1"]
    data = ballot_data(camille, assembly, "for", "against", "abstain")
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        try:
            client = client_for(camille)
            barrier.wait()
            statuses.append(client.post(vote_url(assembly), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 4 and 200 in statuses
    assert set(statuses) <= {200, 400}
    for resolution in resolutions(assembly):
        assert Participation.objects.filter(resolution=resolution, associate=camille).count() == 1
        assert Ballot.objects.filter(resolution=resolution).count() == 1
    assert AssemblyEvent.objects.filter(kind=AssemblyEventKind.VOTE_CAST).count() == 3


def test_a_holder_votes_for_their_principal_in_the_principals_college(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    give_proxy_directly(assembly, camille, dominique)
    client = client_for(dominique)
    form = main_text(client.get(vote_url(assembly)))
    assert "Mon vote" in form and "Pour Camille Vuillet (procuration)" in form
    assert form.count("<fieldset") == 6

    data = ballot_data(dominique, assembly, "against", "against", "against")
    data |= ballot_data(camille, assembly, "for", "for", "for")
    response = client.post(vote_url(assembly), data)
    assert response.status_code == 200
    assert "Pour Camille Vuillet (procuration)" in main_text(response)
    assert len(shown_codes(response)) == 6
    first = resolutions(assembly)[0]
    for_principal = Ballot.objects.get(resolution=first, associate=camille)
    assert for_principal.college == camille.college != dominique.college
    assert for_principal.choice == "for"
    participation = Participation.objects.get(resolution=first, associate=camille)
    assert participation.cast_by == dominique
    secret_colleges = sorted(
        Ballot.objects.filter(resolution=resolutions(assembly)[1]).values_list(
            "college__slug", flat=True
        )
    )
    assert secret_colleges == sorted([camille.college.slug, dominique.college.slug])
    # The principal is told, with the open ballots' codes, never the secret one's.
    to_principal = OutboxEmail.objects.get(
        kind="extranet.vote_confirmation", to="associe1@example.org"
    )
    assert (
        "Dominique Mercier, à qui vous avez donné procuration, a voté pour vous"
        in to_principal.body_text
    )
    assert for_principal.receipt in to_principal.body_text
    secret_code = Ballot.objects.get(
        resolution=resolutions(assembly)[1], college=camille.college
    ).receipt
    assert secret_code not in to_principal.body_text


def test_a_principal_who_gave_a_proxy_does_not_vote(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    give_proxy_directly(assembly, camille, dominique)
    client = client_for(camille)
    page = main_text(client.get(vote_url(assembly)))
    assert "c'est votre mandataire qui vote pour vous" in page and 'type="radio"' not in page
    assert "Voter en ligne" not in main_text(client.get(assembly.url)).split("Ma participation")[1]

    response = client.post(vote_url(assembly), ballot_data(camille, assembly, "for"))
    assert response.status_code == 400
    assert refused_code(assembly, camille, camille, resolutions(assembly)[0]) == "gave_proxy"
    assert not Ballot.objects.exists()


def test_no_vote_for_someone_who_gave_no_proxy(assembly, associates):  # noqa: F811
    camille, dominique, alix = (associates[f"associe{n}"] for n in (1, 2, 3))
    give_proxy_directly(assembly, camille, dominique)
    client = client_for(dominique)
    response = client.post(vote_url(assembly), ballot_data(alix, assembly, "for", "for", "for"))
    assert response.status_code == 400
    assert "Ce formulaire ne correspond pas à vos votes" in main_text(response)
    assert refused_code(assembly, dominique, alix, resolutions(assembly)[0]) == "no_proxy"
    # A withdrawn proxy gives no vote either.
    Proxy.objects.update(withdrawn_at=assembly.votes_open_at)
    assert refused_code(assembly, dominique, camille, resolutions(assembly)[0]) == "no_proxy"
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_no_vote_on_a_resolution_of_another_assembly(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    other = build_assembly(slug="2098")
    foreign = resolutions(other)[0]
    client = client_for(camille)
    response = client.post(vote_url(assembly), {vote_field_name(camille.pk, foreign.pk): "for"})
    assert response.status_code == 400
    assert "Ce formulaire ne correspond pas à vos votes" in main_text(response)
    assert refused_code(assembly, camille, camille, foreign) == "resolution"
    # A choice that is not one: a clear message, nothing written.
    response = client.post(vote_url(assembly), ballot_data(camille, assembly, "peut-être"))
    assert response.status_code == 400
    assert "Choisissez pour, contre ou abstention" in main_text(response)
    response = client.post(vote_url(assembly), {})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_secret_ballots_keep_no_link_between_associate_and_choice(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    secret = resolutions(assembly)[1]
    response = client_for(camille).post(
        vote_url(assembly), ballot_data(camille, assembly, "", "against")
    )
    (code,) = shown_codes(response)

    row = Ballot.objects.filter(resolution=secret).values().get()
    assert row["associate_id"] is None and row["receipt"] == code
    # Nothing else in the row: no time, no voter, no ordered key.
    assert set(row) == {"id", "resolution_id", "college_id", "choice", "receipt", "associate_id"}
    assert isinstance(row["id"], type(Ballot._meta.pk.default()))
    participation = Participation.objects.filter(resolution=secret).values().get()
    assert participation["associate_id"] == camille.pk
    assert "against" not in map(str, participation.values())
    assert code not in map(str, participation.values())
    for event in AssemblyEvent.objects.filter(associate=camille):
        assert "contre" not in event.detail and code not in event.detail
        assert "vote secret" in event.detail
    for email in OutboxEmail.objects.all():
        assert code not in email.body_text + email.body_html
    assert not Ballot.objects.filter(associate=camille).exists()


def test_changing_an_open_ballot_keeps_its_receipt(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    client = client_for(camille)
    (code,) = shown_codes(client.post(vote_url(assembly), ballot_data(camille, assembly, "for")))

    response = client.post(vote_url(assembly), ballot_data(camille, assembly, "against"))
    assert response.status_code == 200 and "(modifié)" in main_text(response)
    ballot = Ballot.objects.get()
    assert (ballot.receipt, ballot.choice) == (code, "against")
    assert Participation.objects.get().changed_at is not None
    changed = AssemblyEvent.objects.get(kind=AssemblyEventKind.VOTE_CHANGED)
    assert "contre" in changed.detail  # an open ballot's log may say what
    # The same choice again is no change.
    response = client.post(vote_url(assembly), ballot_data(camille, assembly, "against"))
    assert response.status_code == 400 and "Vous n'avez changé aucun vote" in main_text(response)


def test_changing_a_secret_ballot_needs_its_receipt(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    other = new_associate("Sacha", "Berthet", college_slug=camille.college.slug)
    client = client_for(camille)
    (code,) = shown_codes(
        client.post(vote_url(assembly), ballot_data(camille, assembly, "", "for"))
    )
    # Another associate of the same college votes on it too: two secret ballots.
    (other_code,) = shown_codes(
        client_for(other).post(vote_url(assembly), ballot_data(other, assembly, "", "for"))
    )

    response = client.post(vote_url(assembly), ballot_data(camille, assembly, "", "against"))
    assert response.status_code == 400
    assert "Sans lui, il ne peut pas être changé" in main_text(response)
    response = client.post(
        vote_url(assembly),
        ballot_data(camille, assembly, "", "against", receipts={2: "AAAAA22222"}),
    )
    assert response.status_code == 400
    assert "Ce code de reçu ne correspond à aucun vote secret" in main_text(response)
    assert set(Ballot.objects.values_list("choice", flat=True)) == {"for"}

    # With the code (typed in lower case, with a space), the ballot changes.
    typed = f"{code[:5].lower()} {code[5:]}"
    response = client.post(
        vote_url(assembly), ballot_data(camille, assembly, "", "against", receipts={2: typed})
    )
    assert response.status_code == 200
    assert Ballot.objects.get(receipt=code).choice == "against"
    assert Ballot.objects.get(receipt=other_code).choice == "for"
    changed = AssemblyEvent.objects.get(kind=AssemblyEventKind.VOTE_CHANGED)
    assert changed.associate == camille and "contre" not in changed.detail


def test_receipt_codes_are_random_and_unique():
    codes = services.new_receipts(500)
    assert len(set(codes)) == 500
    assert all(len(code) == RECEIPT_LENGTH and set(code) <= set(RECEIPT_ALPHABET) for code in codes)
    assert services.normalize_receipt(" abcde-fghjk ") == "ABCDEFGHJK"


def test_get_never_votes_and_post_needs_its_token(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    client_for(camille).get(vote_url(assembly), ballot_data(camille, assembly, "for", "for", "for"))
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(camille.user)
    assert (
        guarded.post(vote_url(assembly), ballot_data(camille, assembly, "for")).status_code == 403
    )
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_the_share_lock_names_the_assemblies_table():
    from extranet.models import GeneralAssemblyPage

    assert f"FROM {GeneralAssemblyPage._meta.db_table} " in services.SHARE_LOCK_SQL
