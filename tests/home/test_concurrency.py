"""Simultaneous submissions wait their turn: no 500, nothing lost.

Real concurrent HTTP requests against the live server (one thread and one database
connection per request, as under gunicorn), on a file SQLite database (WAL journal,
busy timeout, BEGIN IMMEDIATE: see the settings) and on PostgreSQL (row lock).
The test settings put SQLite's test database in a file for this: an in-memory one
is a single connection shared by every thread, which hides the problem.

Only public behaviour is used: the pages' URLs, their forms as a browser reads them
(hidden fields sent back as given), and the stored rows.
"""

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.db import connection

from projects.models import Idea, WorkshopRegistration
from tests.projects.factories import (
    CallForIdeasIndexPageFactory,
    CallForIdeasPageFactory,
    CommuneFactory,
    ThemeFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
    ideas_site_settings,
    site_home,
)

# The idea form refuses what is sent less than 3 seconds after it was shown.
IDEA_FORM_MIN_SECONDS = 3.2
TIMEOUT = 60


# --- a small browser: one connection per request, the form read from the page ------------


@dataclass
class Form:
    action: str
    names: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    selects: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, str] = field(default_factory=dict)


class FormReader(HTMLParser):
    """The POST forms of a page: hidden fields with their values, select options, checkboxes."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append(Form(action=attrs.get("action") or ""))
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if name and tag in {"input", "select", "textarea"}:
            form.names.add(name)
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "hidden":
                form.fields[name] = attrs.get("value") or ""
            elif kind == "checkbox":
                form.checkboxes[name] = attrs.get("value") or "on"
            elif kind == "radio":
                form.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            form.selects[name] = []
        elif tag == "option" and self._select and attrs.get("value"):
            form.selects[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


def request(base: str, method: str, path: str, *, body: str = "", headers=None) -> Answer:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        conn.close()


@dataclass
class Visit:
    """A page as one visitor got it: their form and their CSRF cookie."""

    form: Form
    cookie: str
    forwarded_for: str


def visit(base: str, path: str, *, ip: str, with_field: str) -> Visit:
    page = request(base, "GET", path, headers={"X-Forwarded-For": ip})
    assert page.status == 200, page.text[:500]
    reader = FormReader()
    reader.feed(page.text)
    form = next(form for form in reader.forms if with_field in form.names)
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    # The cookie is marked Secure (production settings); a browser on http would drop it,
    # so it is sent back by hand.
    cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())
    return Visit(form=form, cookie=cookie, forwarded_for=ip)


def post_together(base: str, path: str, submissions: list[tuple[Visit, dict]]) -> list[Answer]:
    """Send every submission at the same instant, each on its own connection and thread."""
    start = threading.Barrier(len(submissions))
    answers: list[Answer | BaseException | None] = [None] * len(submissions)

    def send(index: int, visit_: Visit, data: dict):
        fields = {**visit_.form.fields, **data}
        body = urllib.parse.urlencode(fields)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": visit_.cookie,
            "X-Forwarded-For": visit_.forwarded_for,
        }
        try:
            start.wait(timeout=TIMEOUT)
            answers[index] = request(base, "POST", path, body=body, headers=headers)
        except BaseException as error:  # reported below, not lost in the thread
            answers[index] = error

    threads = [
        threading.Thread(target=send, args=(index, visit_, data))
        for index, (visit_, data) in enumerate(submissions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    for answer in answers:
        if not isinstance(answer, Answer):
            raise AssertionError(f"a request did not complete: {answer!r}")
    return answers  # type: ignore[return-value]


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def server(live_server, transactional_db, settings):
    """The live server, behind one trusted proxy: each simulated visitor has its own address,
    so the per-address rate limits of the forms let every one of them through."""
    settings.TRUSTED_PROXY_COUNT = 1
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "the SQLite test database must be a file"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    home = site_home()
    ideas_site_settings(home)
    return live_server.url


def visitor_ip(number: int) -> str:
    return f"198.51.100.{number + 10}"


# --- tests -------------------------------------------------------------------------------


def test_simultaneous_registrations_for_the_last_place_give_one_place_and_a_waiting_list(
    server,
):
    index = WorkshopIndexPageFactory(parent=site_home())
    workshop = WorkshopPageFactory(parent=index, title="Atelier très demandé", capacity=5)
    WorkshopRegistrationFactory.create_batch(4, workshop=workshop)  # one place left
    people = 8

    visits = [
        visit(server, workshop.url, ip=visitor_ip(n), with_field="email") for n in range(people)
    ]
    answers = post_together(
        server,
        workshop.url,
        [
            (v, {"name": f"Personne pressée {n}", "email": f"presse{n}@example.org"})
            for n, v in enumerate(visits)
        ],
    )

    assert [answer.status for answer in answers] == [302] * people
    newcomers = WorkshopRegistration.objects.filter(
        workshop_id=workshop.pk, email__startswith="presse"
    )
    assert newcomers.count() == people  # nothing lost
    statuses = sorted(newcomers.values_list("status", flat=True))
    assert statuses.count(WorkshopRegistration.Status.CONFIRMED) == 1
    assert statuses.count(WorkshopRegistration.Status.WAITING) == people - 1
    confirmed = WorkshopRegistration.objects.filter(
        workshop_id=workshop.pk, status=WorkshopRegistration.Status.CONFIRMED
    )
    assert confirmed.count() == workshop.capacity  # never overbooked


def test_simultaneous_ideas_are_all_stored(server):
    index = CallForIdeasIndexPageFactory(parent=site_home(), slug="appels-concurrence")
    theme = ThemeFactory(name="Mobilités", slug="mobilites")
    morez = CommuneFactory(name="Morez", slug="morez", postal_code="39400")
    call = CallForIdeasPageFactory(parent=index, title="Appel simultané", slug="appel-simultane")
    call.themes.set([theme])
    call.save_revision().publish()
    people = 6

    visits = [
        visit(server, call.url, ip=visitor_ip(n), with_field="description") for n in range(people)
    ]
    time.sleep(IDEA_FORM_MIN_SECONDS)  # as long as a person takes to fill the form, at least
    submissions = []
    for n, v in enumerate(visits):
        data = {name: options[0] for name, options in v.form.selects.items() if options}
        data.update(v.form.checkboxes)  # consents given
        data.update(
            title=f"Idée simultanée {n}",
            description="Une navette partagée entre les villages du Haut-Jura, le samedi.",
            name=f"Personne {n}",
            email=f"simultane{n}@example.org",
            commune=str(morez.pk),  # the list's first option is "Autre commune"
        )
        submissions.append((v, data))
    answers = post_together(server, call.url, submissions)

    assert [answer.status for answer in answers] == [302] * people
    stored = Idea.objects.filter(title__startswith="Idée simultanée")
    assert sorted(stored.values_list("title", flat=True)) == [
        f"Idée simultanée {n}" for n in range(people)
    ]
