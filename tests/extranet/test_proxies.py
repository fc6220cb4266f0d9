"""Proxies for a general assembly, as associates give them from the proxy page: give,
change and withdraw, each with an email to both associates through the outbox and a
line in the assembly's log; until the proxy has served (while the vote is open, as long
as no vote was recorded for the principal), never once closed; within the cap (also when two
principals choose the same holder at the same moment); no chains; a principal who
already voted online keeps their own vote. The holder is found by name, without any
email address shown."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from extranet.constants import AssemblyEventKind, AssociateStatus
from extranet.models import AssemblyEvent, Associate, Participation, Proxy
from extranet.services import assemblies as services
from home.models import OutboxEmail
from tests.extranet.participation import (
    LOGIN,
    associates,  # noqa: F401  (fixture)
    build_assembly,
    client_for,
    main_text,
    new_associate,
    set_window,
    staff_user,
)

pytestmark = pytest.mark.django_db

UPCOMING = {"opens": datetime.timedelta(days=3), "closes": datetime.timedelta(days=5)}
HELD = datetime.timedelta(days=6)


@pytest.fixture
def assembly(associates):  # noqa: F811
    """Voting opens in three days: proxies may be given."""
    return build_assembly(held=HELD, **UPCOMING)


def proxy_url(assembly) -> str:
    return assembly.url + "procuration/"


def give(client, assembly, holder, **extra):
    return client.post(proxy_url(assembly), {"action": "give", "holder": holder.pk, **extra})


def proxy_emails(kind):
    return list(OutboxEmail.objects.filter(kind=f"extranet.{kind}").order_by("pk"))


def test_an_associate_gives_a_proxy_and_both_receive_an_email(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    client = client_for(camille)
    page = main_text(client.get(assembly.url))
    assert "Ma participation" in page and "Donner procuration" in page

    response = give(client, assembly, dominique)
    assert response.status_code == 302 and response["Location"] == proxy_url(assembly)
    proxy = Proxy.objects.get(assembly=assembly)
    assert (proxy.principal, proxy.holder, proxy.withdrawn_at) == (camille, dominique, None)
    emails = proxy_emails("proxy_given")
    assert sorted(email.to for email in emails) == ["associe1@example.org", "associe2@example.org"]
    to_holder = next(e for e in emails if e.to == "associe2@example.org")
    assert "Camille Vuillet vous donne procuration" in to_holder.body_text
    assert "<strong>Camille Vuillet</strong> vous donne procuration" in to_holder.body_html
    to_principal = next(e for e in emails if e.to == "associe1@example.org")
    assert "Vous donnez procuration à Dominique Mercier" in to_principal.body_text
    event = AssemblyEvent.objects.get(assembly=assembly, kind=AssemblyEventKind.PROXY_GIVEN)
    assert event.associate == camille and event.user == camille.user

    confirmation = main_text(client.get(proxy_url(assembly)))
    assert "Votre procuration est enregistrée" in confirmation
    assert "Vous avez donné procuration à <strong>Dominique Mercier</strong>" in confirmation
    assert "Vous avez donné procuration à <strong>Dominique Mercier</strong>" in main_text(
        client.get(assembly.url)
    )
    # The holder sees whom they represent.
    holder_page = main_text(client_for(dominique).get(assembly.url))
    assert "Vous votez aussi pour <strong>Camille Vuillet</strong>" in holder_page
    held = main_text(client_for(dominique).get(proxy_url(assembly)))
    assert "Les associés que je représente" in held and "Camille Vuillet" in held


def test_changing_the_holder_withdraws_the_first_proxy_and_tells_all_three(assembly, associates):  # noqa: F811
    camille, dominique, alix = (associates[f"associe{n}"] for n in (1, 2, 3))
    client = client_for(camille)
    give(client, assembly, dominique)
    OutboxEmail.objects.all().delete()

    assert give(client, assembly, alix).status_code == 302
    first, second = Proxy.objects.filter(assembly=assembly).order_by("pk")
    assert first.holder == dominique and first.withdrawn_at is not None
    assert second.holder == alix and second.withdrawn_at is None
    assert [e.to for e in proxy_emails("proxy_withdrawn")] == ["associe2@example.org"]
    assert sorted(e.to for e in proxy_emails("proxy_given")) == [
        "associe1@example.org",
        "associe3@example.org",
    ]
    to_principal = next(e for e in proxy_emails("proxy_given") if e.to == "associe1@example.org")
    assert "remplace celle que vous aviez donnée à Dominique Mercier" in to_principal.body_text
    kinds = list(
        AssemblyEvent.objects.filter(assembly=assembly)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        AssemblyEventKind.PROXY_GIVEN,
        AssemblyEventKind.PROXY_WITHDRAWN,
        AssemblyEventKind.PROXY_GIVEN,
    ]
    # The same holder again (a second click) changes nothing and sends nothing.
    OutboxEmail.objects.all().delete()
    assert give(client, assembly, alix).status_code == 302
    assert Proxy.objects.filter(assembly=assembly).count() == 2
    assert not OutboxEmail.objects.exists()


def test_withdrawing_a_proxy_emails_both(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    client = client_for(camille)
    give(client, assembly, dominique)

    response = client.post(proxy_url(assembly), {"action": "withdraw"})
    assert response.status_code == 302
    assert not Proxy.objects.filter(assembly=assembly).active().exists()
    emails = proxy_emails("proxy_withdrawn")
    assert sorted(e.to for e in emails) == ["associe1@example.org", "associe2@example.org"]
    assert (
        "vous votez vous-même"
        in next(e for e in emails if e.to == "associe1@example.org").body_text
    )
    assert "Votre procuration est retirée" in main_text(client.get(proxy_url(assembly)))
    assert AssemblyEvent.objects.filter(kind=AssemblyEventKind.PROXY_WITHDRAWN).count() == 1

    # Nothing left to withdraw.
    response = client.post(proxy_url(assembly), {"action": "withdraw"})
    assert response.status_code == 400
    assert "Vous n'avez pas donné de procuration pour cette assemblée" in main_text(response)


def test_a_proxy_changes_while_the_vote_is_open_until_it_has_served(assembly, associates):  # noqa: F811
    camille, dominique, alix = (associates[f"associe{n}"] for n in (1, 2, 3))
    client = client_for(camille)
    give(client, assembly, dominique)
    assembly = set_window(assembly, opens=datetime.timedelta(minutes=-1))

    # The vote is open, nothing recorded for Camille yet: she may still change her mind.
    assert give(client, assembly, alix).status_code == 302
    assert Proxy.objects.get(assembly=assembly, withdrawn_at__isnull=True).holder == alix
    assert client.post(proxy_url(assembly), {"action": "withdraw"}).status_code == 302
    give(client, assembly, dominique)

    # Dominique votes for her: the proxy has served and no longer changes.
    resolution = assembly.resolutions.first()
    Participation.objects.create(resolution=resolution, associate=camille, cast_by=dominique)
    OutboxEmail.objects.all().delete()
    page = main_text(client.get(proxy_url(assembly)))
    assert "a déjà voté pour vous : votre procuration a servi" in page
    assert 'value="withdraw"' not in page and 'name="holder"' not in page
    for data in ({"action": "withdraw"}, {"action": "give", "holder": alix.pk}):
        response = client.post(proxy_url(assembly), data)
        assert response.status_code == 400
        assert "déjà" in main_text(response)
    proxy = Proxy.objects.get(assembly=assembly, withdrawn_at__isnull=True)
    assert proxy.holder == dominique
    assert not OutboxEmail.objects.exists()

    set_window(assembly, closed_at=datetime.timedelta(seconds=-1))
    response = client.post(proxy_url(assembly), {"action": "withdraw"})
    assert response.status_code == 400
    assert "Le vote de cette assemblée est clos" in main_text(response)
    assert Proxy.objects.get(assembly=assembly, withdrawn_at__isnull=True).holder == dominique


def test_a_proxy_beyond_the_holders_cap_is_refused(associates):  # noqa: F811
    assembly = build_assembly(held=HELD, proxy_cap=1, **UPCOMING)
    camille, dominique, alix = (associates[f"associe{n}"] for n in (1, 2, 3))
    assert give(client_for(camille), assembly, dominique).status_code == 302

    response = give(client_for(alix), assembly, dominique)
    assert response.status_code == 400
    assert "Dominique Mercier détient déjà le nombre maximal de procurations (1)" in main_text(
        response
    )
    assert list(
        Proxy.objects.active().filter(holder=dominique).values_list("principal", flat=True)
    ) == [camille.pk]
    assert not Proxy.objects.filter(principal=alix).exists()


def test_no_chains_of_proxies(assembly, associates):  # noqa: F811
    camille, dominique, alix = (associates[f"associe{n}"] for n in (1, 2, 3))
    give(client_for(camille), assembly, dominique)

    # The holder cannot give their own proxy while holding one; the page says why.
    holder = client_for(dominique)
    page = main_text(holder.get(proxy_url(assembly)))
    assert "Pas de procuration en chaîne" in page
    assert "vous ne pouvez donc pas donner votre propre procuration" in page
    response = give(holder, assembly, alix)
    assert response.status_code == 400
    assert "un mandataire ne donne pas la sienne" in main_text(response)

    # A principal who gave theirs is not offered as a holder, and cannot be chosen.
    third = client_for(alix)
    assert "Camille Vuillet" not in main_text(third.get(proxy_url(assembly) + "?q=Vuillet"))
    response = give(third, assembly, camille)
    assert response.status_code == 400
    assert "Cet associé ne peut pas recevoir de procuration" in main_text(response)
    with pytest.raises(services.ProxyRefused) as refused:
        services.give_proxy(assembly, principal=alix, holder=camille)
    assert refused.value.code == "chain"
    assert Proxy.objects.active().count() == 1


def test_a_principal_who_voted_online_cannot_give_a_proxy(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    Participation.objects.create(
        resolution=assembly.resolutions.first(), associate=camille, cast_by=camille
    )
    response = give(client_for(camille), assembly, dominique)
    assert response.status_code == 400
    assert "Un vote est déjà enregistré pour vous" in main_text(response)
    assert not Proxy.objects.exists()


def test_the_holder_must_vote_at_this_assembly(assembly, associates):  # noqa: F811
    camille = associates["associe1"]
    newcomer = new_associate("Noé", "Tardy", member_since=datetime.date.today() + HELD * 2)
    gone = new_associate(
        "Lou", "Jacquet", status=AssociateStatus.LEFT, left_on=datetime.date(2024, 6, 30)
    )
    client = client_for(camille)
    page = main_text(client.get(proxy_url(assembly)))
    assert "Dominique Mercier" in page
    assert "Tardy" not in page and "Jacquet" not in page
    for holder in (newcomer, gone):
        assert give(client, assembly, holder).status_code == 400
        with pytest.raises(services.ProxyRefused) as refused:
            services.give_proxy(assembly, principal=camille, holder=holder)
        assert refused.value.code == "holder"
    with pytest.raises(services.ProxyRefused) as refused:
        services.give_proxy(assembly, principal=camille, holder=camille)
    assert refused.value.code == "self"
    assert not Proxy.objects.exists()


def test_the_holder_is_found_by_name_and_no_address_is_shown(assembly, associates):  # noqa: F811
    client = client_for(associates["associe1"])
    for number in range(35):
        new_associate(f"Prénom{number}", f"Famille{number:02d}")
    page = main_text(client.get(proxy_url(assembly)))
    assert page.count('name="holder"') == services.HOLDER_LIST_LIMIT
    assert "précisez le nom" in page

    page = main_text(client.get(proxy_url(assembly) + "?q=merc"))
    assert "Dominique Mercier" in page and "Alix Girod" not in page
    assert page.count('name="holder"') == 1
    assert "Commune de Conliège" in page  # the organisation helps to choose
    page = main_text(client.get(proxy_url(assembly) + "?q=girod revermont"))
    assert "Alix Girod" in page and page.count('name="holder"') == 1
    page = main_text(client.get(proxy_url(assembly) + "?q=%27%22%3C"))
    assert "Aucun associé ne correspond" in page
    whole = client.get(proxy_url(assembly)).content.decode()
    for associate in Associate.objects.select_related("user"):
        assert associate.user.email not in whole


def test_get_never_changes_a_proxy_and_post_needs_its_token(assembly, associates):  # noqa: F811
    camille, dominique = associates["associe1"], associates["associe2"]
    client = client_for(camille)
    client.get(proxy_url(assembly), {"action": "give", "holder": dominique.pk})
    assert not Proxy.objects.exists()

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(camille.user)
    assert give(guarded, assembly, dominique).status_code == 403
    assert not Proxy.objects.exists()
    assert client.put(proxy_url(assembly)).status_code == 405


@pytest.mark.parametrize("route", ["procuration/", "vote/"])
def test_only_associates_reach_the_proxy_and_vote_forms(client, assembly, associates, route):  # noqa: F811
    url = assembly.url + route
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=")
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    visitor = get_user_model().objects.get(username="visiteur")
    for user in (visitor, staff_user()):
        client.force_login(user)
        for response in (client.get(url), client.post(url, {"action": "withdraw"})):
            assert response.status_code == 403
            body = response.content.decode()
            assert "Accès réservé" in body
            assert "Ma procuration" not in body and "Voter en ligne" not in body
            assert 'name="holder"' not in body and 'name="vote_' not in body


@pytest.mark.django_db(transaction=True)
def test_two_principals_choosing_the_same_holder_at_once_stay_within_the_cap(demo_site):
    """Threads with their own database connections (PostgreSQL in CI: the holder's row
    is locked; SQLite runs one writer at a time)."""
    from django.db import connection

    from extranet.demo import documents, pages, people
    from tests.extranet.participation import _Silent

    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())
    assembly = build_assembly(held=HELD, proxy_cap=1, **UPCOMING)
    holder = found["associe2"]
    principals = [found["associe1"], found["associe3"]] + [
        new_associate(f"Prénom{n}", f"Concurrent{n}") for n in range(2)
    ]
    barrier = threading.Barrier(len(principals))
    outcomes = []

    def attempt(principal):
        try:
            barrier.wait()
            services.give_proxy(assembly, principal=principal, holder=holder)
            outcomes.append("given")
        except services.ProxyRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in principals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cap"] * (len(principals) - 1) + ["given"]
    assert Proxy.objects.active().filter(assembly=assembly, holder=holder).count() == 1
    assert OutboxEmail.objects.filter(kind="extranet.proxy_given").count() == 2
