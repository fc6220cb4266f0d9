"""What probing the public half as an attacker would found, pinned: control and bidi
characters, addresses written several ways, a reused form token, formulas in exports,
the waiting list when capacity grows, and the registrant's own cancel link."""

import datetime
import html
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.utils import timezone

from home import abuse
from home.models import OutboxEmail
from projects.models import Idea, WorkshopRegistration
from projects.services import workshops as services
from projects.views.ideas import token_scope
from tests.exports import csv_rows, xlsx_table
from tests.projects.factories import (
    CallForIdeasPageFactory,
    CommuneFactory,
    IdeaFactory,
    ThemeFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
    clear_projects_and_workshops,
)

pytestmark = pytest.mark.django_db

Status = WorkshopRegistration.Status


@pytest.fixture
def workshop(db):
    clear_projects_and_workshops()
    return WorkshopPageFactory(
        parent=WorkshopIndexPageFactory(),
        title="Énergies citoyennes",
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=10),
        capacity=1,
    )


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chef", "c@example.org", "pw"))
    return client


def register(client, workshop, **data):
    fields = {"name": "Alix Dupont", "email": "alix@example.org", "organisation": "", **data}
    return client.post(workshop.url, fields)


# Free text from the public ----------------------------------------------------------

CONTROL = ["Alix\r\nBcc: x@example.org", "Alix\x1b[31m", "Al\x00ix", "Al\x85ix"]
INVISIBLE = {
    "Alix\u202eecilA": "AlixecilA",  # right-to-left override
    "A\u200blix": "Alix",  # zero-width space
    "\ufeffAlix\u2066": "Alix",  # BOM, isolate
}


@pytest.mark.parametrize("name", CONTROL)
def test_a_registrant_name_with_control_characters_is_refused(client, workshop, name):
    response = register(client, workshop, name=name)
    assert response.status_code == 200
    assert "seule ligne" in response.text
    assert not WorkshopRegistration.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(("typed", "stored"), INVISIBLE.items())
def test_bidi_and_invisible_characters_are_stripped_from_names(client, workshop, typed, stored):
    assert register(client, workshop, name=typed, organisation=typed).status_code == 302
    registration = WorkshopRegistration.objects.get()
    assert registration.name == stored and registration.organisation == stored


@pytest.fixture
def call(index):
    theme = ThemeFactory(slug="theme-durcissement")
    call = CallForIdeasPageFactory(parent=index)
    call.themes.set([theme])
    call.save_revision().publish()
    return call


def idea_data(call, **overrides):
    data = {
        "title": "Une recyclerie de matériaux",
        "description": "Une recyclerie où réparer et revendre les matériaux de chantier.",
        "theme": str(call.themes.get().pk),
        "commune": str(CommuneFactory(slug="commune-durcie").pk),
        "involvement": "contribute",
        "name": "Camille Martin",
        "email": "camille@example.org",
        "consent_processing": "on",
        abuse.STARTED_FIELD: abuse.start_token(scope=token_scope(call), now=time.time() - 60),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["title", "name", "organisation", "phone"])
def test_every_one_line_field_of_the_idea_form_refuses_control_characters(client, call, field):
    value = {"phone": "03 84\x1b00 00 00"}.get(field, "Une valeur\x1b[2J correcte")
    response = client.post(call.url, idea_data(call, **{field: value}))
    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()


def test_the_description_keeps_its_lines_but_loses_bidi_overrides(client, call):
    text = "Première ligne du projet,\r\nseconde ligne \u202eavec un renversement."
    assert client.post(call.url, idea_data(call, description=text)).status_code == 302
    idea = Idea.objects.get(call=call)
    assert idea.description == "Première ligne du projet,\nseconde ligne avec un renversement."


# One token, one idea ------------------------------------------------------------------


def test_one_form_token_is_accepted_for_one_idea_only(client, call):
    token = abuse.start_token(scope=token_scope(call), now=time.time() - 60)
    first = client.post(call.url, idea_data(call, **{abuse.STARTED_FIELD: token}))
    assert first.status_code == 302
    for number in range(4):
        replay = client.post(
            call.url,
            idea_data(call, title=f"Idée rejouée {number}", **{abuse.STARTED_FIELD: token}),
        )
        assert replay.status_code == 400
    assert Idea.objects.filter(call=call).count() == 1


# Addresses written several ways -------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("dup@example.org", '"dup"@example.org'),
        ("dup@exämple.org", "dup@xn--exmple-cua.org"),
        ("Dup@Example.ORG", "dup@EXAMPLE.org"),
    ],
)
def test_one_mailbox_written_two_ways_registers_once(client, workshop, first, again):
    assert register(client, workshop, email=first).status_code == 302
    response = register(client, workshop, email=again)
    assert "Vous êtes déjà inscrit à cet atelier" in client.get(response["Location"]).text
    assert WorkshopRegistration.objects.count() == 1


# The waiting list ---------------------------------------------------------------------


def test_a_raised_capacity_goes_to_the_waiting_list_not_to_a_newcomer(client, workshop):
    WorkshopRegistrationFactory(workshop=workshop, status=Status.CONFIRMED)
    waiting = WorkshopRegistrationFactory(workshop=workshop, status=Status.WAITING)
    workshop.capacity = 2
    workshop.save_revision().publish()

    assert register(client, workshop, email="nouveau@example.org").status_code == 302

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert WorkshopRegistration.objects.get(email="nouveau@example.org").status == Status.WAITING


def test_publishing_a_raised_capacity_in_the_admin_promotes_and_emails_who_waits(
    staff_client, workshop, django_capture_on_commit_callbacks
):
    WorkshopRegistrationFactory(workshop=workshop, status=Status.CONFIRMED)
    waiting = WorkshopRegistrationFactory(
        workshop=workshop, status=Status.WAITING, email="attente@example.org"
    )
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from projects.models import WorkshopPage

    page = WorkshopPage.objects.get(pk=workshop.pk)
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "starts_at": timezone.localtime(page.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(page.ends_at).strftime("%Y-%m-%d %H:%M"),
            "place": page.place,
            "address": page.address,
            "facilitators": page.facilitators,
            "summary": page.summary,
            "body": streamfield([]),
            "capacity": 3,
            "registration_open": "on",
            "action-publish": "publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert any(
        message.to == ["attente@example.org"] and "place s'est libérée" in message.subject
        for message in mail.outbox
    )


def test_a_published_duplicate_idea_stays_off_the_workshop_page(client, workshop, call):
    original = IdeaFactory(call=call, title="Idée d'origine", is_published=True)
    duplicate = IdeaFactory(
        call=call, title="Idée en double", is_published=True, duplicate_of=original
    )
    original.workshops.add(workshop)
    duplicate.workshops.add(workshop)
    text = html.unescape(client.get(workshop.url).text)
    assert "Idée d'origine" in text and "Idée en double" not in text


# The registrant's cancel link ---------------------------------------------------------


def cancel_link(registration) -> str:
    return registration.workshop.url + "annuler/" + services.cancel_token(registration) + "/"


def test_the_cancel_link_cancels_once_and_moves_the_waiting_list(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, workshop, email="premier@example.org")
        register(client, workshop, email="second@example.org")
    first = WorkshopRegistration.objects.get(email="premier@example.org")
    second = WorkshopRegistration.objects.get(email="second@example.org")
    assert second.status == Status.WAITING
    confirmation = next(m for m in mail.outbox if m.to == ["premier@example.org"])
    link = next(line for line in confirmation.body.splitlines() if "/annuler/" in line)
    assert link.startswith("http://127.0.0.1:8000/ateliers/energies-citoyennes/annuler/")
    mail.outbox.clear()

    shown = client.get(urlsplit(link).path)
    assert shown.status_code == 200 and "Annuler mon inscription" in shown.text
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED, "following the link (a mail scanner) cancels nothing"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(cancel_link(first))
    assert "Votre inscription est annulée" in done.text
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CANCELLED and first.cancelled_at is not None
    assert second.status == Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [["second@example.org"]]

    again = client.post(cancel_link(first))
    assert "déjà annulée" in again.text
    assert WorkshopRegistration.objects.filter(status=Status.CONFIRMED).count() == 1


def test_an_altered_cancel_link_is_refused_clearly(client, workshop):
    registration = WorkshopRegistrationFactory(workshop=workshop)
    token = services.cancel_token(registration)
    pk, stamp, signature = token.split("_", 2)
    for bad in (
        token[:-2] + "xx",
        "nimportequoi",
        f"{pk}_{stamp}",
        f"{int(pk) + 1}_{stamp}_{signature}",
        f"{pk}_{signing.b62_encode(int(time.time()) + 99)}_{signature}",
    ):
        response = client.post(workshop.url + "annuler/" + bad + "/")
        assert response.status_code == 400
        assert "Ce lien d'annulation n'est pas valide" in response.text
    other = WorkshopPageFactory(parent=workshop.get_parent(), title="Autre atelier")
    assert client.post(other.url + "annuler/" + token + "/").status_code == 400
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_an_expired_cancel_link_is_refused_clearly(client, workshop):
    registration = WorkshopRegistrationFactory(workshop=workshop)
    token = services.cancel_token(registration, now=time.time() - services.CANCEL_LINK_MAX_AGE - 60)
    response = client.post(workshop.url + "annuler/" + token + "/")
    assert response.status_code == 410
    assert "Ce lien d'annulation a expiré" in response.text
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# Formulas in exports ------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","clic")'


def test_the_registrations_export_neutralises_formulas(staff_client, workshop):
    WorkshopRegistrationFactory(workshop=workshop, name=FORMULA, organisation="+33 3 84 00 00 00")
    url = "/admin/snippets/projects/workshopregistration/"
    (row,) = csv_rows(staff_client.get(url, {"export": "csv"}))
    assert row["Nom"] == f"'{FORMULA}"
    assert row["Organisation"] == "+33 3 84 00 00 00", "a phone number is not a formula"
    header, rows = xlsx_table(staff_client.get(url, {"export": "xlsx"}))
    assert rows[0][1] == "'" + FORMULA


def test_the_outbox_export_neutralises_formulas(staff_client, workshop):
    WorkshopRegistrationFactory(workshop=workshop)
    OutboxEmail.objects.create(kind="tests", to="a@example.org", subject="@SUM(1+1)", body_text="x")
    rows = csv_rows(staff_client.get("/admin/outbox/", {"export": "csv"}))
    assert "'@SUM(1+1)" in {row["Objet"] for row in rows}
