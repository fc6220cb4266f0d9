"""The extranet as an associate sees it, and how pages and notices behave: "Mon
sociétariat" with its totals, the next general assembly, the documents added since
the last visit; extranet pages restricted as soon as staff create them; publishing a
general assembly (or adding documents to it) emails the concerned associates who
agreed to it, through the outbox, once."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from extranet.constants import AssociateStatus, DocumentKind
from extranet.demo import documents, pages, people
from extranet.demo.documents import associates_collection, placeholder_pdf
from extranet.models import (
    AssemblyDocument,
    AssemblyNotice,
    Associate,
    ExtranetHomePage,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    HoldingMovement,
    WorkingGroupDocument,
    WorkingGroupPage,
)
from extranet.services import membership
from extranet.services.notifications import DOCUMENTS_KIND, PUBLISHED_KIND
from home.models import OutboxEmail
from tests.home.test_queries import count_queries

pytestmark = pytest.mark.django_db

EXTRANET = "/extranet/"
AG_2021 = "/extranet/assemblees-generales/2021/"


@pytest.fixture
def associates(demo_site):
    """associe1 (salariés, emails), associe2 (collectivités, emails), associe3
    (partenaires, by post), created for this test (demo accounts are off in tests)."""
    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())  # the working groups' members
    return found


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def associate_client(client, associates):
    client.force_login(associates["associe1"].user)
    return client


@pytest.fixture
def staff_client(client, demo_site):
    admin = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def new_document(title: str):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title, collection=associates_collection())
    document.file.save(
        f"{title.lower().replace(' ', '-')}.pdf", ContentFile(placeholder_pdf(title)), save=False
    )
    document._set_document_file_metadata()
    document.save()
    return document


def main_text(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# The extranet home -------------------------------------------------------------------


def test_the_home_shows_my_membership_with_its_totals(associate_client, associates):
    response = associate_client.get(EXTRANET)
    assert response.status_code == 200
    page = main_text(response)
    assert "Mon sociétariat" in page
    assert "Salariés" in page  # associe1's college
    assert "4 parts" in page and "200 €" in page
    assert "Bonjour Camille." in page
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    # associe3: parts, and a current account partly repaid: 500 € + 2 000 €.
    associate_client.force_login(associates["associe3"].user)
    page = main_text(associate_client.get(EXTRANET))
    assert "10 parts" in page and "2\u202f500 €" in page
    assert "par la poste" in page


def test_the_home_announces_the_next_general_assembly(associate_client, associates):
    # The demo's next assembly (three weeks ahead) is announced; without it, nothing is.
    page = main_text(associate_client.get(EXTRANET))
    assert "Prochaine assemblée générale" in page and "Groupe Demain, Conliège" in page
    GeneralAssemblyPage.objects.filter(held_at__gt=timezone.now()).get().unpublish()
    page = main_text(associate_client.get(EXTRANET))
    assert "Aucune assemblée générale n'est annoncée" in page
    assert "Dernière assemblée" in page and "Assemblée générale 2021" in page

    index = GeneralAssemblyIndexPage.objects.get()
    next_one = GeneralAssemblyPage(
        title="Assemblée générale 2099",
        slug="2099",
        held_at=timezone.now() + datetime.timedelta(days=40),
        place="Salle des fêtes de Conliège",
    )
    index.add_child(instance=next_one)
    next_one.save_revision().publish()
    page = main_text(associate_client.get(EXTRANET))
    assert "Prochaine assemblée générale" in page
    assert "Assemblée générale 2099" in page and "Salle des fêtes de Conliège" in page


def test_the_home_lists_the_documents_added_since_my_last_visit(associate_client, associates):
    associe1 = associates["associe1"]
    # First visit: the latest documents of the assembly.
    page = main_text(associate_client.get(EXTRANET))
    assert "Derniers documents" in page and "Rapport financier 2020" in page

    # Come back two days later: the assembly's documents are older than that visit.
    long_ago = timezone.now() - datetime.timedelta(days=30)
    AssemblyDocument.objects.update(added_at=long_ago)
    Associate.objects.filter(pk=associe1.pk).update(
        last_visit_at=timezone.now() - datetime.timedelta(days=2)
    )
    assembly = GeneralAssemblyPage.objects.get(slug="2021")
    AssemblyDocument.objects.create(
        page=assembly, document=new_document("Annexe aux comptes 2020"), kind=DocumentKind.ACCOUNTS
    )
    page = main_text(associate_client.get(EXTRANET))
    assert "Nouveaux documents depuis votre dernière visite" in page
    assert "Annexe aux comptes 2020" in page
    assert "Rapport financier 2020" not in page
    # Reloading within the same visit keeps showing what was new.
    page = main_text(associate_client.get(EXTRANET))
    assert "Annexe aux comptes 2020" in page


def test_documents_of_a_page_restricted_to_another_college_are_not_listed(
    associate_client, associates
):
    group = WorkingGroupPage.objects.get(slug="fonds-d-impulsion")
    restriction = PageViewRestriction.objects.create(
        page=group, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([associates["associe3"].college.group])
    WorkingGroupDocument.objects.create(
        page=group, document=new_document("Note réservée aux partenaires"), kind=DocumentKind.NOTES
    )
    page = main_text(associate_client.get(EXTRANET))
    assert "Note réservée aux partenaires" not in page
    assert "La création d'un fonds d'impulsion" not in page.replace("&#x27;", "'")

    associate_client.force_login(associates["associe3"].user)
    page = main_text(associate_client.get(EXTRANET))
    assert "Note réservée aux partenaires" in page


def test_my_working_groups_are_listed(associate_client):
    page = main_text(associate_client.get(EXTRANET)).replace("&#x27;", "'")
    assert "Mes groupes de travail" in page
    assert "La raison d'être du cluster" in page
    assert "La création d'un fonds d'impulsion" in page
    assert "Les orientations des projets 2021-2026" not in page  # not a member


def test_the_2021_assembly_shows_its_resolutions_documents_and_groups(associate_client):
    response = associate_client.get(AG_2021)
    assert response.status_code == 200
    page = main_text(response).replace("&#x27;", "'")
    assert page.count("Adoptée à l'unanimité") == 3
    assert "Création d'un fonds d'impulsion" in page
    assert "Rapport financier 2020" in page and "/documents/" in page
    assert "Les orientations des projets 2021-2026" in page
    assert "jeudi 24 juin 2021 à 18h30" in page

    group = associate_client.get("/extranet/groupes-de-travail/raison-d-etre/")
    assert group.status_code == 200
    assert "Camille Vuillet" in group.content.decode()


def test_an_associate_downloads_the_financial_report(associate_client):
    link = AssemblyDocument.objects.get(kind=DocumentKind.FINANCIAL_REPORT)
    response = associate_client.get(link.document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# Pages are private from their creation --------------------------------------------------


def test_a_new_extranet_home_created_in_the_admin_is_restricted_to_associates(
    staff_client, demo_site
):
    ExtranetHomePage.objects.get().delete()  # one extranet home per site
    url = f"/admin/pages/add/extranet/extranethomepage/{demo_site.pk}/"
    assert staff_client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Nouvel espace",
            "slug": "nouvel-espace",
            "intro": rich_text("<p>Bienvenue</p>"),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ExtranetHomePage.objects.get(slug="nouvel-espace")
    assert page.live
    restriction = PageViewRestriction.objects.get(page=page)
    assert restriction.restriction_type == BaseViewRestriction.GROUPS
    assert list(restriction.groups.values_list("name", flat=True)) == ["Associés"]
    # Seen from outside: nothing (anonymous visitors are sent to the login page).
    staff_client.logout()
    assert staff_client.get("/nouvel-espace/").status_code == 302


def test_a_page_under_a_restricted_one_inherits_instead_of_adding_its_own(staff_client):
    index = GeneralAssemblyIndexPage.objects.get()
    new = GeneralAssemblyPage(
        title="Assemblée générale extraordinaire 2022",
        slug="2022",
        held_at=timezone.now(),
        place="Conliège",
    )
    index.add_child(instance=new)
    assert new.get_default_privacy_setting(None) == {"type": BaseViewRestriction.NONE}
    assert new.get_view_restrictions().exists()  # the extranet home's


def test_an_extranet_page_left_without_restriction_is_served_to_nobody(associate_client):
    PageViewRestriction.objects.filter(page__slug="extranet").delete()
    assert associate_client.get(EXTRANET).status_code == 404
    assert associate_client.get(AG_2021).status_code == 404


# Notifications ---------------------------------------------------------------------------


def assembly_form(**overrides):
    data = {
        "title": "Assemblée générale 2099",
        "slug": "2099",
        "held_at": "2099-06-25 18:30",
        "place": "Conliège",
        "kind": "ordinary",
        "convocation_date": "2099-06-01",
        "summary": "",
        "agenda": rich_text("<p>Rapport moral</p>"),
        "video_url": "",
        "votes_open_at": "",
        "votes_close_at": "",
        "convocation_number": "1",
        "proxy_cap": "2",
        "ordinary_quorum": "20",
        "ordinary_quorum_second": "0",
        "extraordinary_quorum": "25",
        "extraordinary_quorum_second": "20",
        "redistribute_silent_colleges": "on",
        "college_shares": inline_formset([]),
        "resolutions": inline_formset([]),
        "documents": inline_formset([]),
        "associates_count": "",
        "present_count": "",
        "represented_count": "",
        "body": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def error_messages(response) -> str:
    import re

    html = response.content.decode()
    return " | ".join(re.findall(r'class="error-message"[^>]*>(.*?)<', html, re.S)) or html[-3000:]


def emails(kind):
    return sorted(OutboxEmail.objects.filter(kind=kind).values_list("to", flat=True))


def test_publishing_an_assembly_emails_the_consenting_associates_once(
    staff_client, associates, django_capture_on_commit_callbacks
):
    index = GeneralAssemblyIndexPage.objects.get()
    url = f"/admin/pages/add/extranet/generalassemblypage/{index.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, assembly_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    page = GeneralAssemblyPage.objects.get(slug="2099")

    # associe1 and associe2 agreed to emails; associe3 did not (told by post).
    assert emails(PUBLISHED_KIND) == ["associe1@example.org", "associe2@example.org"]
    notice = AssemblyNotice.objects.get(page=page)
    assert (notice.emailed_count, notice.postal_count) == (2, 1)
    email = OutboxEmail.objects.filter(kind=PUBLISHED_KIND).first()
    assert "/extranet/assemblees-generales/2099/" in email.body_text
    assert email.about == notice

    # Publishing again with nothing new sends nothing.
    edit = f"/admin/pages/{page.pk}/edit/"
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(edit, assembly_form()).status_code == 302
    assert (
        OutboxEmail.objects.filter(kind__startswith="extranet.")
        .exclude(kind="extranet.invitation")
        .count()
        == 2
    )

    # Adding a document: a "new documents" email, naming only that document.
    document = new_document("Convocation 2099")
    with_document = assembly_form(
        documents=inline_formset([{"document": document.pk, "kind": "convocation", "title": ""}])
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(edit, with_document).status_code == 302
    assert emails(DOCUMENTS_KIND) == ["associe1@example.org", "associe2@example.org"]
    body = OutboxEmail.objects.filter(kind=DOCUMENTS_KIND).first().body_text
    assert "Convocation 2099" in body and "Rapport financier" not in body


def test_only_associates_the_restriction_names_are_told(
    staff_client, associates, django_capture_on_commit_callbacks
):
    # A member who left is no longer concerned, whatever their consent.
    associe2 = associates["associe2"]
    associe2.status = AssociateStatus.LEFT
    associe2.left_on = datetime.date(2024, 1, 1)
    membership.save_associate(associate=associe2)
    # This assembly is for the employees' college only (the privacy button's groups).
    index = GeneralAssemblyIndexPage.objects.get()
    page = GeneralAssemblyPage(
        title="Assemblée du collège des salariés",
        slug="college-salaries",
        held_at=timezone.now() + datetime.timedelta(days=20),
        place="Conliège",
    )
    index.add_child(instance=page)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([associates["associe1"].college.group])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/pages/{page.pk}/edit/",
            assembly_form(
                title=page.title,
                slug=page.slug,
                held_at="2099-01-10 18:00",
                convocation_date="2098-12-20",
            ),
        )
    assert response.status_code == 302, error_messages(response)
    assert emails(PUBLISHED_KIND) == ["associe1@example.org"]


def test_an_assembly_without_any_restriction_notifies_nobody(associates):
    from extranet.services.notifications import notify_assembly

    page = GeneralAssemblyPage.objects.get(slug="2021")
    PageViewRestriction.objects.all().delete()
    assert notify_assembly(page_id=page.pk).emailed_count == 0
    assert not OutboxEmail.objects.filter(kind=PUBLISHED_KIND).exists()
    assert Page.objects.get(pk=page.pk).live


def test_the_page_editors_of_the_extranet_open(staff_client, associates):
    for page in Page.objects.filter(url_path__contains="/extranet/").specific():
        assert staff_client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, page
    index = GeneralAssemblyIndexPage.objects.get()
    assert (
        staff_client.get(f"/admin/pages/add/extranet/generalassemblypage/{index.pk}/").status_code
        == 200
    )


# --- Query budget: the home reads each part in a constant number of queries ---------------

# Measured on SQLite with the demo site; a change that adds queries must say why here.
# Counted with the page cache's fragments off (test settings): the menu (2), the
# organisation's settings (1) and the news index's address (2) are read on each page.
EXTRANET_HOME_QUERIES = 41


def add_associates(count: int, college) -> None:
    for number in range(count):
        user = get_user_model().objects.create_user(f"banc{number}", f"banc{number}@example.org")
        associate = Associate.objects.create(
            user=user, college=college, member_since=datetime.date(2020, 1, 1)
        )
        HoldingMovement.objects.create(
            associate=associate,
            date=datetime.date(2020, 1, 1),
            instrument="parts",
            kind="subscription",
            quantity=2,
            nominal_value_cents=5000,
            amount_cents=10000,
        )


def test_the_extranet_home_costs_the_same_whatever_the_documents_and_associates(
    associate_client, associates
):
    few = count_queries(associate_client, "/extranet/")
    for number in range(35):
        new_document(f"Document de banc {number}")
    add_associates(30, associates["associe1"].college)
    many = count_queries(associate_client, "/extranet/")
    assert many == few, f"/extranet/: {few} queries before, {many} with 35 more documents"
    assert many == EXTRANET_HOME_QUERIES, (
        f"/extranet/: {many} queries, pinned at {EXTRANET_HOME_QUERIES}"
    )
