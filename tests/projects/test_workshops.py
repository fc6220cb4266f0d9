"""Workshops: the listing, the page, registration with a capacity and a waiting list,
the calendar file and the admin listing of registrations."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from home import abuse
from projects.ics import escape_text, fold
from projects.models import WorkshopRegistration
from projects.services import workshops as services
from projects.views.workshops import REGISTRATION_RATE_LIMIT
from tests.exports import csv_rows, csv_text, xlsx_table
from tests.projects.factories import (
    ProjectIndexPageFactory,
    ProjectPageFactory,
    ThemeFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
    clear_projects_and_workshops,
)
from tests.projects.test_stories import make_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshops(db):
    clear_projects_and_workshops()  # the demo site's: each test counts what it creates
    return WorkshopIndexPageFactory()


@pytest.fixture
def workshop(workshops):
    return WorkshopPageFactory(
        parent=workshops,
        title="Énergies citoyennes",
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=10),
        capacity=2,
        facilitators="Alice Martin, Bruno Petit",
        theme=ThemeFactory(name="Transition écologique", slug="transition-ecologique"),
    )


def days(n: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=n)


def register(client, workshop, **data):
    fields = {"name": "Alix Dupont", "email": "alix@example.org", "organisation": "", **data}
    return client.post(workshop.url, fields)


# The listing -------------------------------------------------------------------------


def test_index_lists_upcoming_soonest_first_then_past_latest_first(client, workshops):
    for title, start in [
        ("Passé ancien", days(-300)),
        ("À venir lointain", days(40)),
        ("Passé récent", days(-20)),
        ("À venir proche", days(5)),
    ]:
        WorkshopPageFactory(parent=workshops, title=title, starts_at=start)

    html = client.get("/ateliers/").text
    titles = re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', html)

    assert titles == ["À venir proche", "À venir lointain", "Passé récent", "Passé ancien"]
    assert html.index("Prochains ateliers") < html.index("Ateliers passés")


def test_past_workshops_stay_listed_and_paginate(client, workshops):
    WorkshopPageFactory(parent=workshops, title="Prochain", starts_at=days(3))
    for number in range(14):
        WorkshopPageFactory(
            parent=workshops, title=f"Passé {number:02d}", starts_at=days(-number - 1)
        )

    first = client.get("/ateliers/").text
    second = client.get("/ateliers/?page=2").text

    assert "Prochain" in first and "Passé 11" in first and "Passé 12" not in first
    assert "Passé 12" in second and "Passé 13" in second
    assert "Prochain" not in second  # upcoming workshops head the first page only
    assert client.get("/ateliers/?page=abc").status_code == 200


def test_index_cards_show_places_left_or_waiting_list(client, workshops, workshop):
    roomy = WorkshopPageFactory(parent=workshops, title="Grand atelier", capacity=30)
    WorkshopRegistrationFactory(workshop=roomy)
    WorkshopRegistrationFactory.create_batch(2, workshop=workshop)

    html = client.get("/ateliers/").text

    assert "29 places disponibles" in html
    assert "Complet\u00a0: inscription sur liste d'attente" in html  # French spacing


# The page ----------------------------------------------------------------------------


def test_workshop_page_shows_when_where_who_and_places_left(client, workshop):
    start = timezone.localtime(workshop.starts_at)
    WorkshopRegistrationFactory(workshop=workshop)

    html = client.get(workshop.url).text

    assert f"{start:%-d}" in html
    french_day = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert french_day[start.weekday()] in html
    assert f"de {start:%H}h{start:%M}" in html
    assert "Maison des associations" in html
    assert "Lons-le-Saunier (39000)" in html
    assert "Alice Martin, Bruno Petit" in html
    assert "Transition écologique" in html
    assert "1 place disponible sur 2." in html
    assert f'href="{workshop.url}calendrier/"' in html
    assert "S'inscrire à l'atelier" in html


def test_workshop_page_shows_published_ideas_and_the_projects_born_there(client, workshop):
    projects = ProjectIndexPageFactory()
    ProjectPageFactory(parent=projects, title="Toits solaires partagés", workshops=[workshop])
    ProjectPageFactory(parent=projects, title="Sans rapport")
    shown = make_idea("Une centrale villageoise", email="porteur@example.org")
    hidden = make_idea("Idée non publiée", published=False)
    shown.workshops.add(workshop)
    hidden.workshops.add(workshop)

    html = client.get(workshop.url).text

    assert "Une centrale villageoise" in html
    assert "Idée non publiée" not in html
    assert "porteur@example.org" not in html
    assert "Toits solaires partagés" in html
    assert "Sans rapport" not in html


# Registration --------------------------------------------------------------------------


def test_registration_is_confirmed_while_places_remain(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, workshop, name="Alix Dupont", email="Alix@Example.org")

    assert response.status_code == 302
    assert response["Location"] == workshop.url + "#inscription"
    registration = WorkshopRegistration.objects.get()
    assert (registration.name, registration.email, registration.status) == (
        "Alix Dupont",
        "alix@example.org",
        WorkshopRegistration.Status.CONFIRMED,
    )
    to_registrant = [message for message in mail.outbox if message.to == ["alix@example.org"]]
    assert len(to_registrant) == 1
    assert "Inscription confirmée" in to_registrant[0].subject
    assert "une place vous attend" in to_registrant[0].body
    assert f"{workshop.url}annuler/" in to_registrant[0].body, "a link to cancel oneself"
    # The staff are told too, as the site settings promise.
    to_staff = [message for message in mail.outbox if message.to != ["alix@example.org"]]
    assert len(to_staff) == 1
    assert "Nouvelle inscription" in to_staff[0].subject
    assert "Alix Dupont" in to_staff[0].body and "1 sur" in to_staff[0].body

    page = client.get(response["Location"]).text
    assert "Vous êtes inscrit à cet atelier." in page
    # The confirmation shows once (post/redirect/get).
    assert "Vous êtes inscrit à cet atelier." not in client.get(workshop.url).text


def test_registration_goes_to_the_waiting_list_when_full(
    client, workshop, django_capture_on_commit_callbacks
):
    WorkshopRegistrationFactory.create_batch(2, workshop=workshop)
    assert "en vous inscrivant, vous rejoignez la liste d'attente" in client.get(workshop.url).text

    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, workshop, email="tard@example.org")

    assert WorkshopRegistration.objects.get(email="tard@example.org").status == "waiting"
    assert "vous êtes inscrit sur la liste d'attente" in client.get(response["Location"]).text
    message = next(message for message in mail.outbox if message.to == ["tard@example.org"])
    assert "Liste d'attente" in message.subject
    assert "liste d'attente" in message.body


def test_a_mail_server_failure_keeps_the_registration_and_the_email(
    client, workshop, django_capture_on_commit_callbacks
):
    from home.models import OutboxEmail
    from tests.home.test_outbox import FLAKY, FlakyMailer

    FlakyMailer.failures = 10
    try:
        with override_settings(MAILERS=FLAKY), django_capture_on_commit_callbacks(execute=True):
            response = register(client, workshop)
    finally:
        FlakyMailer.failures = 0

    assert response.status_code == 302
    registration = WorkshopRegistration.objects.get()
    assert registration.status == "confirmed"
    emails = OutboxEmail.objects.about(registration)
    assert emails.exists()
    assert set(emails.values_list("state", flat=True)) == {"pending"}, "never reported as sent"
    assert all("SMTPServerDisconnected" in email.last_error for email in emails)


def test_cancelled_registrations_free_their_place(workshop):
    WorkshopRegistrationFactory(workshop=workshop)
    WorkshopRegistrationFactory(workshop=workshop, status=WorkshopRegistration.Status.CANCELLED)

    registration = services.register_for_workshop(
        workshop=workshop, name="Lou", email="lou@example.org", organisation=""
    )

    assert registration.status == WorkshopRegistration.Status.CONFIRMED


def test_the_same_email_twice_is_reassured_not_refused_and_no_second_row(client, workshop):
    """Signing up again is no mistake to correct: the status page says they already are
    (tests/projects/test_workshop_emails.py covers the waiting list and the email)."""
    register(client, workshop, email="alix@example.org")

    response = register(client, workshop, email=" ALIX@example.org ")

    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "Vous êtes déjà inscrit à cet atelier" in page
    assert "Corrigez" not in page and "n'est pas encore enregistrée" not in page
    assert WorkshopRegistration.objects.count() == 1


def test_a_cancelled_person_may_register_again(workshop):
    WorkshopRegistrationFactory(
        workshop=workshop, email="lou@example.org", status=WorkshopRegistration.Status.CANCELLED
    )

    services.register_for_workshop(workshop=workshop, name="Lou", email="lou@example.org")

    assert WorkshopRegistration.objects.filter(email="lou@example.org").count() == 2


def test_closed_registration_is_refused_clearly(client, workshop):
    workshop.registration_open = False
    workshop.save_revision().publish()

    page = client.get(workshop.url).text
    response = register(client, workshop)

    assert "Les inscriptions en ligne à cet atelier sont fermées." in page
    assert 'name="email"' not in page
    assert response.status_code == 200
    assert "Les inscriptions en ligne à cet atelier sont fermées." in response.text
    assert not WorkshopRegistration.objects.exists()
    assert mail.outbox == []


def test_past_workshop_refuses_registration(client, workshops):
    past = WorkshopPageFactory(parent=workshops, starts_at=days(-2))

    with pytest.raises(services.RegistrationRefused) as refusal:
        services.register_for_workshop(workshop=past, name="Lou", email="lou@example.org")

    assert refusal.value.code == "past"
    assert "a déjà eu lieu" in register(client, past).text
    assert not WorkshopRegistration.objects.exists()


def test_workshop_without_online_registration_refuses(workshops):
    no_seats = WorkshopPageFactory(parent=workshops, capacity=0)

    with pytest.raises(services.RegistrationRefused) as refusal:
        services.register_for_workshop(workshop=no_seats, name="Lou", email="lou@example.org")

    assert refusal.value.code == "closed"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Indiquez votre nom et votre prénom."),
        ({"name": "   "}, "Indiquez votre nom et votre prénom."),
        ({"email": ""}, "Indiquez votre adresse électronique, par exemple nom@exemple.fr."),
        ({"email": "pas-une-adresse"}, "Cette adresse électronique n&#x27;est pas valide"),
        ({"name": "x" * 151}, "150 caractères au plus (vous en avez saisi 151)"),
        ({"organisation": "o" * 151}, "150 caractères au plus (vous en avez saisi 151)"),
        (
            {abuse.HONEYPOT_FIELD: "http://spam.example"},
            "Votre inscription n&#x27;a pas pu être enregistrée.",
        ),
    ],
)
def test_bad_input_re_renders_with_french_messages(client, workshop, data, message):
    response = register(client, workshop, **data)

    assert response.status_code == 200
    assert message in response.text
    # The error summary, as on every form of the site: what has not happened, what to fix.
    assert "Votre inscription n'est pas encore enregistrée : 1 point à corriger" in response.text
    assert 'role="alert"' in response.text
    assert not WorkshopRegistration.objects.exists()
    assert mail.outbox == []


def test_bad_input_keeps_what_was_typed_and_escapes_it(client, workshop):
    response = register(client, workshop, name='<script>alert("x")</script>', email="bad")

    assert '<script>alert("x")</script>' not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text


def test_too_many_registrations_from_one_connection_are_refused_kindly(client, workshop):
    workshop.capacity = 50
    workshop.save()
    for number in range(REGISTRATION_RATE_LIMIT.limit):
        assert register(client, workshop, email=f"membre{number}@example.org").status_code == 302

    response = register(client, workshop, email="un-de-trop@example.org")

    assert response.status_code == 429
    assert "réessayez dans une heure" in response.content.decode().replace("&#x27;", "'")
    assert (
        WorkshopRegistration.objects.filter(workshop=workshop).count()
        == REGISTRATION_RATE_LIMIT.limit
    )
    assert not WorkshopRegistration.objects.filter(email="un-de-trop@example.org").exists()


def test_a_post_without_fields_never_fails(client, workshop):
    assert client.post(workshop.url, {}).status_code == 200
    assert client.post(workshop.url, {"email": ["a@b.fr", "c@d.fr"]}).status_code == 200


def test_the_service_fills_the_list_then_the_waiting_list(workshop):
    statuses = [
        services.register_for_workshop(
            workshop=workshop, name=f"P{n}", email=f"p{n}@example.org"
        ).status
        for n in range(4)
    ]

    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]


# Calendar file -------------------------------------------------------------------------


def test_ics_file_follows_rfc_5545(client, workshops, settings):
    workshop = WorkshopPageFactory(
        parent=workshops,
        title="Atelier ; virgules, et \\ barres",
        summary="Première ligne\nseconde ligne, avec une description assez longue pour être "
        "repliée sur plusieurs lignes de soixante-quinze octets au plus.",
        starts_at=datetime.datetime(2026, 12, 3, 17, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC),
        place="Salle des fêtes",
        address="1 rue du Lac, 39000 Lons-le-Saunier",
    )

    response = client.get(workshop.url + "calendrier/")
    body = response.content.decode("utf-8")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="atelier-{workshop.slug}.ics"' in response["Content-Disposition"]
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert f"UID:atelier-{workshop.pk}@" in unfolded
    assert "DTSTART:20261203T173000Z\r\n" in unfolded
    assert "DTEND:20261203T200000Z\r\n" in unfolded
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", unfolded)
    assert "SUMMARY:Atelier \\; virgules\\, et \\\\ barres\r\n" in unfolded
    assert "DESCRIPTION:Première ligne\\nseconde ligne\\, avec" in unfolded
    assert "LOCATION:Salle des fêtes\\, 1 rue du Lac\\, 39000 Lons-le-Saunier" in unfolded
    # The public address (BASE_URL), whoever asks: the same event is attached to emails.
    assert f"URL:{settings.BASE_URL}{workshop.url}" in unfolded


def test_ics_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)

    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert escape_text("a\r\nb;c,d\\") == "a\\nb\\;c\\,d\\\\"


# Admin listing of registrations --------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_admin_lists_filters_searches_and_exports_registrations(staff_client, workshops, workshop):
    other = WorkshopPageFactory(parent=workshops, title="Autre atelier")
    WorkshopRegistrationFactory(workshop=workshop, name="Alix Dupont", email="alix@example.org")
    WorkshopRegistrationFactory(
        workshop=workshop, name="Bea Martin", status=WorkshopRegistration.Status.WAITING
    )
    WorkshopRegistrationFactory(workshop=other, name="Camille Roux")
    url = "/admin/snippets/projects/workshopregistration/"

    listing = staff_client.get(url)
    by_workshop = staff_client.get(url, {"workshop": workshop.pk})
    waiting = staff_client.get(url, {"status": "waiting"})
    search = staff_client.get(url, {"q": "alix"})
    csv = staff_client.get(url, {"export": "csv", "workshop": workshop.pk})
    xlsx = staff_client.get(url, {"export": "xlsx"})

    assert listing.status_code == 200
    assert "Camille Roux" in listing.text and "Alix Dupont" in listing.text
    assert "Camille Roux" not in by_workshop.text and "Bea Martin" in by_workshop.text
    assert "Bea Martin" in waiting.text and "Alix Dupont" not in waiting.text
    assert "Alix Dupont" in search.text and "Camille Roux" not in search.text
    assert 'filename="inscriptions-ateliers.csv"' in csv["Content-Disposition"]
    text = csv_text(csv)
    assert text.splitlines()[0].startswith("Atelier;Nom;Courriel;Organisation;Statut")
    assert "alix@example.org" in text and "Camille Roux" not in text
    statuses = {row["Nom"]: row["Statut"] for row in csv_rows(text)}
    assert statuses == {
        "Alix Dupont": "inscrit·e",
        "Bea Martin": "liste d'attente",
    }, "the French labels, never `waiting`"
    header, rows = xlsx_table(xlsx)
    assert len(rows) == 3
    assert {row[1] for row in rows} == {"Alix Dupont", "Bea Martin", "Camille Roux"}


def test_registrations_never_reach_the_public_search(client, workshop):
    WorkshopRegistrationFactory(workshop=workshop, name="Zoé Introuvable")

    assert "Zoé Introuvable" not in client.get("/recherche/?q=Introuvable").text
    assert not hasattr(WorkshopRegistration, "search_fields")


def test_workshop_end_must_follow_its_start(workshop):
    workshop.ends_at = workshop.starts_at - datetime.timedelta(hours=1)

    with pytest.raises(ValidationError) as error:
        workshop.full_clean()

    assert error.value.message_dict["ends_at"] == ["La fin doit suivre le début."]


# Cancelling frees a place for the waiting list ---------------------------------------


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(
    workshop, django_capture_on_commit_callbacks
):
    first = services.register_for_workshop(workshop=workshop, name="Alix", email="a@example.org")
    services.register_for_workshop(workshop=workshop, name="Bea", email="b@example.org")
    waiting_first = services.register_for_workshop(
        workshop=workshop, name="Cy", email="c@example.org"
    )
    waiting_second = services.register_for_workshop(
        workshop=workshop, name="Dom", email="d@example.org"
    )
    assert waiting_first.status == waiting_second.status == WorkshopRegistration.Status.WAITING
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=first)

    assert promoted == waiting_first
    statuses = dict(WorkshopRegistration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.org": "cancelled",
        "b@example.org": "confirmed",
        "c@example.org": "confirmed",
        "d@example.org": "waiting",
    }
    assert [message.to for message in mail.outbox] == [["c@example.org"]]
    assert "Une place s'est libérée" in mail.outbox[0].subject


def test_cancelling_a_waiting_registration_promotes_nobody(workshop):
    services.register_for_workshop(workshop=workshop, name="Alix", email="a@example.org")
    services.register_for_workshop(workshop=workshop, name="Bea", email="b@example.org")
    waiting = services.register_for_workshop(workshop=workshop, name="Cy", email="c@example.org")

    assert services.cancel_registration(registration=waiting) is None
    assert services.cancel_registration(registration=waiting) is None, (
        "cancelling twice is harmless"
    )
    assert WorkshopRegistration.objects.filter(status="confirmed").count() == 2


def test_staff_cancelling_in_the_admin_promotes_the_waiting_list(
    staff_client, workshop, django_capture_on_commit_callbacks
):
    first = services.register_for_workshop(workshop=workshop, name="Alix", email="a@example.org")
    services.register_for_workshop(workshop=workshop, name="Bea", email="b@example.org")
    waiting = services.register_for_workshop(workshop=workshop, name="Cy", email="c@example.org")
    mail.outbox.clear()
    url = f"/admin/snippets/projects/workshopregistration/edit/{first.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {
                "workshop": workshop.pk,
                "name": "Alix",
                "email": "a@example.org",
                "organisation": "",
                "status": "cancelled",
            },
        )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == WorkshopRegistration.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [["c@example.org"]]


def test_registration_email_is_background_work(workshop, django_capture_on_commit_callbacks):
    from django.test import override_settings

    from tests.home.test_tasks import DATABASE_TASKS, run_worker

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            services.register_for_workshop(workshop=workshop, name="Alix", email="a@example.org")
        assert mail.outbox == [], "the request does not wait for the mail server"
        run_worker()
    assert ["a@example.org"] in [message.to for message in mail.outbox]
