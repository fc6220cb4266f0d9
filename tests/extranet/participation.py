"""What the participation tests (proxies, votes) share: the demo associates, more
associates when a test needs them, and a general assembly built in the test (college
shares, three resolutions of which the second is secret, a voting window), never the
demo's, which changes with the demo."""

import datetime
import html
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from extranet.demo import documents, pages, people
from extranet.models import (
    AssemblyResolution,
    College,
    CollegeShare,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
)
from extranet.services import membership

LOGIN = "/compte/connexion/"
_numbers = itertools.count(1)


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def associates(demo_site):
    """associe1 (Camille Vuillet, salariés), associe2 (Dominique Mercier, collectivités),
    associe3 (Alix Girod, partenaires) and `visiteur`, who is no associate."""
    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())
    return found


def new_associate(first_name: str, last_name: str, college_slug: str = "fondateurs", **kwargs):
    number = next(_numbers)
    return membership.create_associate(
        email=f"associe-test-{number}@example.org",
        first_name=first_name,
        last_name=last_name,
        college=College.objects.get(slug=college_slug),
        member_since=kwargs.pop("member_since", datetime.date(2020, 1, 1)),
        consent_electronic=True,
        consent_date=datetime.date(2020, 1, 1),
        **kwargs,
    )


RESOLUTIONS = [
    ("Approbation des comptes 2025", "L'assemblée approuve les comptes de l'exercice 2025.", False),
    ("Élection au conseil coopératif", "L'assemblée élit Claude Bourgeois au conseil.", True),
    ("Affectation du résultat", "Le résultat est affecté aux réserves impartageables.", False),
]


def build_assembly(
    *,
    opens: datetime.timedelta | None = datetime.timedelta(days=-1),
    closes: datetime.timedelta | None = datetime.timedelta(days=1),
    held: datetime.timedelta = datetime.timedelta(days=2),
    proxy_cap: int = 2,
    slug: str = "2099",
) -> GeneralAssemblyPage:
    """A published assembly under the demo's index (restricted to the associates, as
    every extranet page), its five colleges at 20 % each, three resolutions (the second
    secret) and a voting window around now (open unless told otherwise)."""
    now = timezone.now()
    index = GeneralAssemblyIndexPage.objects.get()
    assembly = GeneralAssemblyPage(
        title=f"Assemblée générale {slug}",
        slug=slug,
        held_at=now + held,
        place="Salle des fêtes de Conliège",
        votes_open_at=now + opens if opens is not None else None,
        votes_close_at=now + closes if closes is not None else None,
        proxy_cap=proxy_cap,
    )
    index.add_child(instance=assembly)
    for order, college in enumerate(College.objects.order_by("sort_order")[:5]):
        CollegeShare.objects.create(
            page=assembly, college=college, share=Decimal(20), sort_order=order
        )
    for order, (title, text, secret) in enumerate(RESOLUTIONS):
        AssemblyResolution.objects.create(
            page=assembly, title=title, text=text, secret=secret, sort_order=order
        )
    return GeneralAssemblyPage.objects.get(pk=assembly.pk)


def set_window(assembly, *, opens=None, closes=None, closed_at=None) -> GeneralAssemblyPage:
    """Move the voting window (as staff would in the admin) relative to now."""
    now = timezone.now()
    changes = {}
    if opens is not None:
        changes["votes_open_at"] = now + opens
    if closes is not None:
        changes["votes_close_at"] = now + closes
    if closed_at is not None:
        changes["votes_closed_at"] = now + closed_at
    GeneralAssemblyPage.objects.filter(pk=assembly.pk).update(**changes)
    return GeneralAssemblyPage.objects.get(pk=assembly.pk)


def client_for(associate) -> Client:
    """A test client logged in as this associate."""
    client = Client()
    client.force_login(associate.user)
    return client


def staff_user():
    return get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")


def main_text(response) -> str:
    """The page's <main>, its entities decoded (an apostrophe is &#x27; in the HTML)."""
    page = response.content.decode()
    return html.unescape(page[page.index("<main") : page.index("</main>")])
