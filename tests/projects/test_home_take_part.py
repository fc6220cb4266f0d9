"""The home page's "Participer" section: the open call for ideas with its deadline and the
next three workshops (date, place, places left), each linked; nothing closed, past or
private; two queries whatever the number of calls and workshops."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from projects.models import CallForIdeasIndexPage, CallForIdeasPage, WorkshopPage
from tests.projects.factories import (
    CallForIdeasPageFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    WorkshopRegistrationFactory,
)

pytestmark = pytest.mark.django_db


def section(client) -> str:
    """The "Participer" section of the home page, as read (entities decoded)."""
    body = html.unescape(client.get("/").content.decode())
    match = re.search(r"<section[^>]*take-part.*?</section>", body, re.S)
    assert match, "the home page has a Participer section"
    return match.group(0).replace("\u202f", " ").replace("\xa0", " ")


def at(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def calendar(demo_site):
    """Only this test's calls and workshops are live: the demo's are unpublished."""
    for page in [*CallForIdeasPage.objects.live(), *WorkshopPage.objects.live()]:
        page.unpublish(log_action=False)
    calls_index = CallForIdeasIndexPage.objects.get()
    today = timezone.localdate()
    open_call = CallForIdeasPageFactory(
        parent=calls_index,
        title="Vos idées pour l'hiver",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=datetime.date(today.year + 1, 3, 15),
    )
    CallForIdeasPageFactory(
        parent=calls_index,
        title="Appel clos",
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=1),
    )
    index = WorkshopIndexPageFactory()
    workshops = [
        WorkshopPageFactory(
            parent=index,
            title=f"Atelier à venir {number}",
            starts_at=at(number * 7),
            ends_at=at(number * 7, 20),
            place=f"Salle n° {number}",
            capacity=3,
        )
        for number in (1, 2, 3, 4)
    ]
    WorkshopPageFactory(parent=index, title="Atelier passé", starts_at=at(-7), ends_at=at(-7, 20))
    WorkshopRegistrationFactory.create_batch(2, workshop=workshops[0])
    WorkshopRegistrationFactory.create_batch(3, workshop=workshops[1])
    return open_call, workshops


def test_the_home_page_shows_the_open_call_and_its_deadline(client, calendar):
    open_call, _workshops = calendar

    text = section(client)

    assert f'href="{open_call.url}"' in text and "Vos idées pour l'hiver" in text
    deadline = open_call.closes_on
    assert "jusqu'au" in text and f"15 mars {deadline.year}" in text
    assert f'datetime="{deadline:%Y-%m-%d}"' in text
    assert f'href="{open_call.url}#proposer"' in text
    assert "Appel clos" not in text


def test_the_home_page_shows_the_next_three_workshops_soonest_first(client, calendar):
    _call, workshops = calendar

    text = section(client)

    titles = re.findall(r"Atelier à venir \d", text)
    assert titles == ["Atelier à venir 1", "Atelier à venir 2", "Atelier à venir 3"]
    assert "Atelier à venir 4" not in text and "Atelier passé" not in text
    for workshop in workshops[:3]:
        assert f'href="{workshop.url}"' in text
        assert workshop.place in text
        assert f'datetime="{timezone.localtime(workshop.starts_at).isoformat()}"' in text
    # Places left: 3 - 2, then full (waiting list), then all 3.
    first, second, third = (text.split(f'href="{w.url}"')[1] for w in workshops[:3])
    assert "1 place disponible" in first.split("</li>")[0]
    assert "Complet : inscription sur liste d'attente" in second.split("</li>")[0]
    assert "3 places disponibles" in third.split("</li>")[0]


def test_private_and_unpublished_pages_stay_off_the_home_page(client, calendar):
    open_call, workshops = calendar
    PageViewRestriction.objects.create(
        page=workshops[0], restriction_type=PageViewRestriction.LOGIN
    )
    workshops[1].unpublish(log_action=False)
    PageViewRestriction.objects.create(page=open_call, restriction_type=PageViewRestriction.LOGIN)

    text = section(client)

    assert "Atelier à venir 1" not in text and "Atelier à venir 2" not in text
    assert re.findall(r"Atelier à venir \d", text) == ["Atelier à venir 3", "Atelier à venir 4"]
    assert "Vos idées pour l'hiver" not in text


def test_nothing_to_take_part_in_hides_the_section(client, calendar):
    for page in [*CallForIdeasPage.objects.live(), *WorkshopPage.objects.live()]:
        page.unpublish(log_action=False)

    assert "take-part" not in client.get("/").content.decode()


def test_the_section_costs_two_queries_however_many_calls_and_workshops(client, calendar):
    def queries() -> list[str]:
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return [query["sql"] for query in captured]

    few = queries()
    index = WorkshopIndexPageFactory()
    calls_index = CallForIdeasIndexPage.objects.get()
    for number in range(6):
        WorkshopPageFactory(parent=index, starts_at=at(40 + number), ends_at=at(40 + number, 20))
        CallForIdeasPageFactory(parent=calls_index)
    many = queries()

    assert len(many) == len(few)
    # One query for the calls, one for the workshops with their places left.
    assert sum('FROM "projects_callforideaspage"' in sql for sql in many) == 1
    assert sum('LEFT OUTER JOIN "projects_workshopregistration"' in sql for sql in many) == 1
