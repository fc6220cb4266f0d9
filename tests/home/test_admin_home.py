"""Staff see their work at a glance on the admin's home: the ideas to process in each
call, the emails given up, the places and waiting list of each upcoming workshop, the
gifts of the month and the next general assembly, each panel linked to the filtered
listing, in a few queries whatever the data; and after "Publier" the editor is back in
the listing of the page's section, never on the tree's "Root"."""

import datetime
import html
import re

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Page

from donations.constants import DonationStatus
from donations.models import Donation
from donations.viewsets.dashboard import FundPanel
from extranet.dashboard import NextAssemblyPanel
from extranet.models import GeneralAssemblyIndexPage, GeneralAssemblyPage
from home.dashboard import FailedEmailsPanel
from home.models import OutboxEmail
from projects.models import CallForIdeasIndexPage, Idea, WorkshopRegistration
from projects.viewsets.dashboard import IdeasToProcessPanel, UpcomingWorkshopsPanel
from tests.projects.factories import (
    CallForIdeasIndexPageFactory,
    CallForIdeasPageFactory,
    IdeaFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
    clear_projects_and_workshops,
)

pytestmark = pytest.mark.django_db

Status = WorkshopRegistration.Status


@pytest.fixture
def staff_client(client, django_user_model, demo_site):
    admin = django_user_model.objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def text(response) -> str:
    """What the page's main area reads (no script, no menu), on one line."""
    main = response.text.split("<main", 1)[-1].split("</main>", 1)[0].split(">", 1)[-1]
    main = re.sub(r"<(script|template)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def panel(page: str, heading: str) -> str:
    """The text of the dashboard panel under `heading`, up to the next panel."""
    start = page.index(heading)
    following = [page.find(other, start + 1) for other in HEADINGS if other != heading]
    return page[start : min([end for end in following if end > 0] or [len(page)])]


HEADINGS = [
    "Idées à traiter",
    "Ateliers à venir",
    "Fonds d'impulsion",
    "Prochaine assemblée générale",
    "Courriels en échec",
]


@pytest.fixture
def calls(demo_site):
    Idea.objects.all().delete()  # the demo's ideas: only this test's count
    index = CallForIdeasIndexPageFactory(parent=demo_site, slug="appels-panneau")
    return (
        CallForIdeasPageFactory(parent=index, title="Mobilités douces", slug="mobilites-douces"),
        CallForIdeasPageFactory(parent=index, title="Alimentation", slug="alimentation"),
    )


def make_ideas(calls, *, to_process=(2, 1), processed=1):
    mobility, food = calls
    for call, count in zip(calls, to_process, strict=True):
        IdeaFactory.create_batch(count, call=call, status=Idea.Status.RECEIVED)
    IdeaFactory.create_batch(processed, call=mobility, status=Idea.Status.RETAINED)
    IdeaFactory.create_batch(processed, call=food, status=Idea.Status.NOT_RETAINED)


def make_emails(*, failed=2):
    for number in range(failed):
        OutboxEmail.objects.create(
            kind="projects.idea_status_changed",
            to=f"perdu{number}@example.org",
            subject=f"Votre idée n° {number}",
            body_text="x",
            state=OutboxEmail.State.FAILED,
            attempts=6,
            last_error="550 boîte inconnue",
        )
    for state in (OutboxEmail.State.SENT, OutboxEmail.State.PENDING):
        OutboxEmail.objects.create(kind="tests", to="ok@example.org", subject="ok", body_text="x")
        OutboxEmail.objects.filter(to="ok@example.org", state=OutboxEmail.State.PENDING).update(
            state=state
        )


@pytest.fixture
def workshops(demo_site):
    clear_projects_and_workshops()
    return WorkshopIndexPageFactory(parent=demo_site)


def make_workshops(index, *, extra=0):
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    full = WorkshopPageFactory(parent=index, title="Réparer son vélo", starts_at=soon, capacity=3)
    WorkshopRegistrationFactory.create_batch(3, workshop=full)
    WorkshopRegistrationFactory.create_batch(2 + extra, workshop=full, status=Status.WAITING)
    WorkshopRegistrationFactory(workshop=full, status=Status.CANCELLED)
    later = WorkshopPageFactory(
        parent=index, title="Jardins partagés", starts_at=soon + datetime.timedelta(days=9)
    )
    WorkshopRegistrationFactory.create_batch(1 + extra, workshop=later)
    past = WorkshopPageFactory(
        parent=index, title="Atelier passé", starts_at=soon - datetime.timedelta(days=30)
    )
    WorkshopRegistrationFactory(workshop=past)
    return full, later


def make_gifts(*, more=0):
    now = timezone.now()
    base = {
        "email": "don@example.org",
        "first_name": "Camille",
        "last_name": "Martin",
        "consent_processing": True,
        "status": DonationStatus.PAID,
        "received_at": now,
    }
    Donation.objects.create(**base, amount_cents=5000)
    Donation.objects.create(**base, amount_cents=7000, refunded_cents=2000)
    Donation.objects.create(
        **{**base, "status": DonationStatus.PENDING, "received_at": None}, amount_cents=9900
    )
    for number in range(more):
        Donation.objects.create(**{**base, "email": f"d{number}@example.org"}, amount_cents=100)


@pytest.fixture
def assembly(demo_site):
    """An assembly before the demo's next one (three weeks ahead): the next to come."""
    index = GeneralAssemblyIndexPage.objects.get()
    page = GeneralAssemblyPage(
        title="Assemblée générale extraordinaire",
        slug="age-panneau",
        held_at=timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=4),
        place="Salle des fêtes de Conliège",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_admin_home_shows_the_work_waiting_with_its_counts(
    staff_client, calls, workshops, assembly
):
    Donation.objects.all().delete()
    OutboxEmail.objects.all().delete()
    make_ideas(calls)
    make_emails(failed=2)
    full, later = make_workshops(workshops)
    make_gifts()

    response = staff_client.get(reverse("wagtailadmin_home"))
    page = text(response)

    ideas = panel(page, "Idées à traiter")
    assert "3 idées au statut « reçue »" in ideas
    assert "Alimentation : 1 idée" in ideas and "Mobilités douces : 2 idées" in ideas
    mobility = (
        f"{reverse('wagtailsnippets_projects_idea:list')}?call={calls[0].pk}&amp;status=received"
    )
    assert mobility in response.text, "each call links to its filtered listing"
    listing = staff_client.get(html.unescape(mobility)).text
    received = Idea.objects.filter(call=calls[0], status=Idea.Status.RECEIVED)
    assert all(idea.title in listing for idea in received)
    assert Idea.objects.get(call=calls[0], status=Idea.Status.RETAINED).title not in listing

    emails = panel(page, "Courriels en échec")
    assert "2 courriels abandonnés" in emails and "550 boîte inconnue" in emails
    assert f"{reverse('outbox:index')}?state=failed" in response.text

    agenda = panel(page, "Ateliers à venir")
    assert "Réparer son vélo" in agenda and "3 sur 3 (complet)" in agenda
    assert "2 en attente" in agenda
    assert "Jardins partagés" in agenda and "1 sur 20" in agenda
    assert "Atelier passé" not in agenda
    assert agenda.index("Réparer son vélo") < agenda.index("Jardins partagés"), "soonest first"
    waiting = (
        f"{reverse('wagtailsnippets_projects_workshopregistration:list')}"
        f"?workshop={full.pk}&amp;status=waiting"
    )
    assert waiting in response.text

    fund = panel(page, "Fonds d'impulsion")
    assert re.search(r"Ce mois-ci \(.+?\) : 2 dons confirmés ?, 100 €", fund), fund

    next_assembly = panel(page, "Prochaine assemblée générale")
    held = date_format(timezone.localtime(assembly.held_at), "l j F Y à H:i")
    assert "Assemblée générale extraordinaire" in next_assembly and held in next_assembly
    assert reverse("wagtailadmin_pages:edit", args=[assembly.pk]) in response.text


def test_the_waiting_list_link_lists_the_people_waiting(staff_client, workshops):
    full, _later = make_workshops(workshops)
    url = reverse("wagtailsnippets_projects_workshopregistration:list")

    listing = staff_client.get(url, {"workshop": full.pk, "status": "waiting"})

    waiting = WorkshopRegistration.objects.filter(workshop=full, status=Status.WAITING)
    assert all(registration.name in listing.text for registration in waiting)
    confirmed = WorkshopRegistration.objects.filter(workshop=full, status=Status.CONFIRMED)
    assert not any(registration.name in listing.text for registration in confirmed)


def test_each_panel_runs_the_same_few_queries_with_more_data(
    django_assert_num_queries, calls, workshops, assembly
):
    panels = {
        IdeasToProcessPanel: 1,
        UpcomingWorkshopsPanel: 1,
        FailedEmailsPanel: 2,
        NextAssemblyPanel: 1,
        FundPanel: 3,
    }
    make_ideas(calls)
    make_emails(failed=1)
    make_workshops(workshops)
    make_gifts()
    for component, queries in panels.items():
        with django_assert_num_queries(queries):
            component().render_html({})

    make_ideas(calls, to_process=(12, 9), processed=7)
    make_emails(failed=15)
    index_two = WorkshopIndexPageFactory(parent=workshops.get_parent(), slug="ateliers-2")
    make_workshops(index_two, extra=9)
    make_gifts(more=20)
    for component, queries in panels.items():
        with django_assert_num_queries(queries):
            component().render_html({})


def test_staff_without_the_permissions_see_none_of_these_panels(client, django_user_model, calls):
    make_ideas(calls)
    make_emails(failed=1)
    editor = django_user_model.objects.create_user("editeur", "editeur@example.org", "x")
    group = Group.objects.create(name="Éditeurs (panneaux)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)

    page = text(client.get(reverse("wagtailadmin_home")))

    assert not any(heading in page for heading in HEADINGS)


# --- after "Publier": back to the section's listing ------------------------------------


def bound_payload(form) -> dict:
    """What a browser sends for `form` left as it is."""
    payload = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                payload[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            payload[bound.html_name] = [str(item) for item in value]
        else:
            formatted = None if value is None else bound.field.widget.format_value(value)
            payload[bound.html_name] = "" if formatted is None else formatted
    return payload


def post_editor(client, page, action: str | None):
    """Submit `page`'s editor unchanged, with the button `action` (None: save a draft)."""
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = client.get(edit_url).context["form"]
    payload = bound_payload(form)
    for formset in form.formsets.values():
        payload.update(bound_payload(formset.management_form))
        for sub_form in formset.forms:
            payload.update(bound_payload(sub_form))
    if action:
        payload[action] = "1"
    return client.post(edit_url, payload)


def test_publishing_a_page_returns_to_its_parent_listing_and_a_draft_stays(staff_client):
    page = Page.objects.get(url_path__endswith="/actualites/").specific

    published = post_editor(staff_client, page, "action-publish")
    draft = post_editor(staff_client, page, None)

    parent = page.get_parent()
    assert published.status_code == 302
    assert published["Location"] == reverse("wagtailadmin_explore", args=[parent.pk])
    assert draft.status_code == 302
    assert draft["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_publishing_a_site_home_lists_its_sections_not_the_root(staff_client):
    """A site's home page is a child of the tree's root: its parent's listing would be
    the root's, titled "Root". The home page's own listing comes instead."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=CallForIdeasIndexPage(title="Autre site", slug="autre-site"))
    home.add_child(instance=CallForIdeasIndexPage(title="Une rubrique", slug="rubrique"))

    published = post_editor(staff_client, home, "action-publish")

    assert published.status_code == 302
    assert published["Location"] == reverse("wagtailadmin_explore", args=[home.pk])
    listing = staff_client.get(published["Location"]).text
    assert "<title>Exploration: Autre site" in listing and "Une rubrique" in listing
    assert Page.objects.get(pk=home.pk).live
