"""Workshop emails and the registration's status: the confirmation (HTML and text, the
workshop's .ics attached, the address and its map page), the waiting-list email with the
place in the queue and the cancel link, a second sign-up reassured rather than refused,
and the map page (a link to OpenStreetMap, nothing loaded from another host)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from home.models import OutboxEmail
from projects.models import WorkshopRegistration
from projects.services import workshops as services
from tests.projects.factories import (
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    ideas_site_settings,
    site_home,
)

pytestmark = pytest.mark.django_db

Status = WorkshopRegistration.Status


@pytest.fixture
def workshop(db):
    ideas_site_settings(site_home())  # contact and staff addresses, as the emails read them
    workshop = WorkshopPageFactory(
        parent=WorkshopIndexPageFactory(),
        title="Énergies citoyennes ; produire, ensemble",
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=10),
        place="Maison de la vie associative",
        address="1 rue du Lac, 39000 Lons-le-Saunier",
        capacity=1,
    )
    workshop.save_revision().publish()  # as staff do: the event's DTSTAMP is its publication
    return workshop


def register(client, workshop, email, name="Alix Dupont"):
    return client.post(workshop.url, {"name": name, "email": email, "organisation": ""})


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def plain(text: str) -> str:
    """Text as read: French typography's non-breaking spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def body(message) -> str:
    return plain(message.body)


def page_text(response) -> str:
    return plain(html.unescape(response.content.decode())).replace("&nbsp;", " ")


def html_part(message) -> str:
    parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(parts) == 1, "one HTML part beside the text"
    return plain(parts[0].replace("&nbsp;", " ").replace("&#x27;", "'"))


# A small strict iCalendar reader (RFC 5545): what a calendar application must be able
# to read. It refuses what a lenient parser would guess at.

ESCAPES = {"\\\\": "\\", "\\;": ";", "\\,": ",", "\\n": "\n", "\\N": "\n"}
UTC_STAMP = re.compile(r"\d{8}T\d{6}Z")


def unescape(value: str) -> str:
    out, index = [], 0
    while index < len(value):
        if value[index] == "\\":
            pair = value[index : index + 2]
            assert pair in ESCAPES, f"unknown escape {pair!r}"
            out.append(ESCAPES[pair])
            index += 2
        else:
            out.append(value[index])
            index += 1
    return "".join(out)


def parse_ics(data: bytes | str) -> dict:
    """{"VCALENDAR": {...props}, "VEVENT": [{prop: value}]}; fails on any deviation."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    assert text.endswith("\r\n"), "content lines end with CRLF"
    raw_lines = text[:-2].split("\r\n")
    lines: list[str] = []
    for raw in raw_lines:
        assert "\n" not in raw and "\r" not in raw, "bare line break"
        assert len(raw.encode("utf-8")) <= 75, f"line longer than 75 octets: {raw!r}"
        if raw.startswith(" "):
            assert lines, "a continuation line first"
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    stack: list[tuple[str, dict]] = []
    calendar: dict = {}
    events: list[dict] = []
    for line in lines:
        name_and_params, colon, value = line.partition(":")
        assert colon, f"no value: {line!r}"
        name = name_and_params.split(";")[0]
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", name), f"bad property name {name!r}"
        if name == "BEGIN":
            stack.append((value, {}))
        elif name == "END":
            assert stack and stack[-1][0] == value, f"END:{value} closes nothing"
            component, props = stack.pop()
            if component == "VEVENT":
                assert stack and stack[-1][0] == "VCALENDAR", "VEVENT outside VCALENDAR"
                events.append(props)
            elif component == "VCALENDAR":
                assert not stack
                calendar = props
        else:
            assert stack, f"{name} outside any component"
            props = stack[-1][1]
            assert name not in props, f"{name} twice"
            if name in {"SUMMARY", "DESCRIPTION", "LOCATION"}:
                assert not re.search(r"(?<!\\)[,;]", value), f"unescaped , or ; in {name}"
            props[name] = unescape(value)
    assert not stack, "unclosed component"
    assert calendar.get("VERSION") == "2.0" and calendar.get("PRODID")
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event, f"VEVENT without {required}"
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert UTC_STAMP.fullmatch(event.get(stamp, "20000101T000000Z")), stamp
    return {"VCALENDAR": calendar, "VEVENT": events}


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


# Confirmation ---------------------------------------------------------------------------


def test_confirmation_has_html_text_and_the_same_event_as_the_download(
    client, workshop, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert register(client, workshop, "alix@example.org").status_code == 302

    (message,) = sent_to("alix@example.org")
    assert "Inscription confirmée" in message.subject
    # Text part: when, where, the map page, the cancel link.
    assert "une place vous attend" in body(message)
    assert "1 rue du Lac, 39000 Lons-le-Saunier" in body(message)
    map_url = f"{settings.BASE_URL}{workshop.url}plan/"
    assert f"Plan d'accès : {map_url}" in body(message)
    assert f"{workshop.url}annuler/" in body(message)
    # HTML part: the same, with links.
    html = html_part(message)
    assert f'href="{map_url}"' in html
    assert f"{workshop.url}annuler/" in html
    assert "une place vous attend" in html
    assert "Énergies citoyennes ; produire, ensemble" in html

    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert (filename, mimetype) == (f"atelier-{workshop.slug}.ics", "text/calendar")
    attached = parse_ics(content.encode() if isinstance(content, str) else content)
    downloaded = parse_ics(client.get(workshop.url + "calendrier/").content)
    assert attached == downloaded, "the same event as the calendar download"
    (event,) = attached["VEVENT"]
    assert event["SUMMARY"] == "Énergies citoyennes ; produire, ensemble"
    assert event["DTSTART"] == utc(workshop.starts_at)
    assert event["DTEND"] == utc(workshop.ends_at)
    assert event["LOCATION"] == "Maison de la vie associative, 1 rue du Lac, 39000 Lons-le-Saunier"
    assert event["URL"] == f"{settings.BASE_URL}{workshop.url}"


def test_the_strict_reader_refuses_what_a_calendar_would_not_read():
    """The parser above is the test's judge: it must fail on broken files."""
    good = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    good += (
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert parse_ics(good)["VEVENT"][0]["UID"] == "1"
    for broken in (
        good.replace("\r\n", "\n"),
        good.replace("END:VEVENT\r\n", ""),
        good.replace("UID:1", "UID:1\r\nSUMMARY:a, b"),
        good.replace("DTSTART:20260101T100000Z", "DTSTART:2026-01-01 10:00"),
        good.replace("UID:1", "UID:" + "x" * 80),
    ):
        with pytest.raises(AssertionError):
            parse_ics(broken)


# Waiting list -----------------------------------------------------------------------------


def test_waiting_list_email_states_the_position_what_happens_next_and_the_cancel_link(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, workshop, "premiere@example.org")  # the one place
        register(client, workshop, "deuxieme@example.org")
        response = register(client, workshop, "troisieme@example.org")

    first_waiting = sent_to("deuxieme@example.org")[0]
    (message,) = sent_to("troisieme@example.org")
    assert "Liste d'attente" in message.subject
    assert "Votre position dans la liste d'attente : 2" in body(message)
    assert "1 personne avant vous" in body(message)
    assert "Votre position dans la liste d'attente : 1" in body(first_waiting)
    assert "prochaine personne à qui une place reviendra" in body(first_waiting)
    assert "Si une place se libère" in body(message)
    assert "confirmée automatiquement" in body(message)
    assert "retirez-vous de la liste d'attente" in body(message)
    assert f"{workshop.url}annuler/" in body(message)
    # Someone without a place is never told their place will go to the next person.
    for text in (body(message), html_part(message)):
        assert "personne suivante" not in text and "libérez votre place" not in text
    assert "Votre position dans la liste d'attente : 2" in html_part(message)
    assert message.attachments == [], "no calendar file without a place"

    # The status page says the same, once.
    assert "liste d'attente, position 2" in page_text(client.get(response["Location"]))


def test_a_freed_place_sends_the_first_waiting_person_a_confirmation_with_the_ics(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, workshop, "premiere@example.org")
        register(client, workshop, "deuxieme@example.org")
    first = WorkshopRegistration.objects.get(email="premiere@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=first)

    (message,) = sent_to("deuxieme@example.org")
    assert "Une place s'est libérée" in message.subject
    assert "Votre inscription est confirmée" in body(message)
    assert message.attachments[0][0] == f"atelier-{workshop.slug}.ics"
    assert "Votre inscription est confirmée" in html_part(message)


def test_the_position_moves_up_when_someone_ahead_leaves(workshop):
    services.register_for_workshop(workshop=workshop, name="A", email="a@example.org")
    b = services.register_for_workshop(workshop=workshop, name="B", email="b@example.org")
    c = services.register_for_workshop(workshop=workshop, name="C", email="c@example.org")
    assert (services.waiting_position(b), services.waiting_position(c)) == (1, 2)

    services.cancel_registration(registration=b)
    c.refresh_from_db()

    assert services.waiting_position(c) == 1
    a = WorkshopRegistration.objects.get(email="a@example.org")
    assert services.waiting_position(a) is None, "a confirmed place has no position"


# Signing up twice ---------------------------------------------------------------------------


def test_signing_up_again_on_the_waiting_list_shows_the_status_and_resends_the_email(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, workshop, "premiere@example.org")
        register(client, workshop, "attente@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, workshop, " Attente@Example.org ")

    assert response.status_code == 302, "no error on the form"
    assert response["Location"] == workshop.url + "#inscription"
    page = page_text(client.get(response["Location"]))
    assert "Vous êtes déjà sur la liste d'attente de cet atelier" in page
    assert "liste d'attente, position 1" in page
    assert "Corrigez" not in page and "n'est pas encore enregistrée" not in page
    assert WorkshopRegistration.objects.filter(email="attente@example.org").count() == 1
    # The reminder goes to the address itself (with its cancel link); the staff hear nothing.
    (reminder,) = sent_to("attente@example.org")
    assert "Rappel" in reminder.subject
    assert "vous êtes déjà sur sa liste d'attente" in body(reminder)
    assert "Votre position dans la liste d'attente : 1" in body(reminder)
    assert len(mail.outbox) == 1


def test_signing_up_again_with_a_place_says_it_is_kept(
    client, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, workshop, "alix@example.org")
        response = register(client, workshop, "alix@example.org", name="Alix D.")

    page = page_text(client.get(response["Location"]))
    assert "Vous êtes déjà inscrit à cet atelier" in page
    assert "inscrit·e" in page
    reminder = sent_to("alix@example.org")[-1]
    assert "vous y êtes déjà inscrit·e" in body(reminder)
    assert reminder.attachments[0][2] == "text/calendar"
    assert OutboxEmail.objects.filter(kind="projects.workshop_reminder").count() == 1


# The map page --------------------------------------------------------------------------------


def test_the_map_page_links_to_openstreetmap_and_loads_nothing_from_elsewhere(client, workshop):
    response = client.get(workshop.url + "plan/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Maison de la vie associative" in body and "1 rue du Lac" in body
    assert (
        'href="https://www.openstreetmap.org/search?query=Maison+de+la+vie+associative%2C+1+rue'
        in body
    )
    assert "<iframe" not in body
    # Every resource the page loads (scripts, styles, images) is ours.
    assert not re.search(r'(src|srcset)="(https?:)?//', body)
    for tag in re.findall(r"<link\b[^>]*>", body):
        if re.search(r'rel="(stylesheet|icon|preload|modulepreload|manifest)"', tag):
            assert not re.search(r'href="(https?:)?//', tag), tag
    assert "csrfmiddlewaretoken" not in body
    assert 'href="' + workshop.url + 'plan/"' in client.get(workshop.url).content.decode()


def test_the_map_page_points_at_the_exact_place_when_staff_gave_it(client, workshop):
    workshop.latitude, workshop.longitude = Decimal("46.67440"), Decimal("5.55510")
    workshop.save_revision().publish()

    body = client.get(workshop.url + "plan/").content.decode()

    assert "https://www.openstreetmap.org/?mlat=46.67440&amp;mlon=5.55510" in body
    assert 'href="geo:46.67440,5.55510"' in body
    assert "46.67440, 5.55510" in body


def test_a_latitude_without_longitude_is_refused(workshop):
    workshop.latitude = Decimal("46.6744")
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "Donnez la latitude et la longitude" in str(error.value)
