""" "Rejoindre ce projet": a project whose stage still seeks people links to a short form
on its own URL; a valid message reaches the project's team through the outbox and is
acknowledged; abuse is refused in French, as on the idea form. The project page itself
carries no form (no CSRF token: it can be cached whole) and links to what fed it."""

import html
import time

import pytest
from django.core import mail
from django.test import Client

from home import abuse
from home.models import OutboxEmail
from projects.models import CallForIdeasIndexPage
from projects.views.joining import JOIN_RATE_LIMIT, token_scope
from tests.projects.factories import (
    CallForIdeasPageFactory,
    IdeaFactory,
    ProjectIndexPageFactory,
    ProjectPageFactory,
    ProjectStatusFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    ideas_site_settings,
    site_home,
)

pytestmark = pytest.mark.django_db

MESSAGE = "Je suis opticienne à la retraite : je peux aider à trier et régler les montures."


@pytest.fixture
def seeking(db):
    ideas_site_settings(site_home())  # contact@example.org, equipe@example.org
    return ProjectStatusFactory(name="Cherche ses porteurs", slug="cherche-test", seeks_people=True)


@pytest.fixture
def project(seeking):
    return ProjectPageFactory(
        parent=ProjectIndexPageFactory(),
        title="Lunettes solidaires",
        status=seeking,
        contact_name="Claude Vuillet",
        contact_email="claude@example.org",
    )


def join_url(project) -> str:
    return project.url + "rejoindre/"


def form_data(project, /, **overrides):
    """A complete, valid message, with a form shown a minute ago."""
    data = {
        "name": "Dominique Bailly",
        "email": "dominique@example.org",
        "contribution": MESSAGE,
        "consent": "on",
        abuse.STARTED_FIELD: abuse.start_token(scope=token_scope(project), now=time.time() - 60),
        abuse.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def plain(value: str) -> str:
    """Text as read: French typography's non-breaking spaces as plain spaces."""
    return value.replace("\u202f", " ").replace("\xa0", " ")


def text(response) -> str:
    return plain(html.unescape(response.content.decode()))


# The project page -------------------------------------------------------------------


def test_a_project_that_seeks_people_links_to_its_join_form_and_carries_no_form(client, project):
    body = client.get(project.url).content.decode()

    assert f'href="{join_url(project)}"' in body
    assert "Rejoindre ce projet" in body
    assert "csrfmiddlewaretoken" not in body and "<form" not in body.split("<main")[1]


def test_a_project_past_that_stage_offers_no_join_form(client, seeking):
    launched = ProjectStatusFactory(name="Lancé (test)", slug="lance-test", seeks_people=False)
    project = ProjectPageFactory(parent=ProjectIndexPageFactory(), status=launched)

    assert "Rejoindre ce projet" not in client.get(project.url).content.decode()
    assert client.get(join_url(project)).status_code == 404
    assert client.post(join_url(project), form_data(project)).status_code == 404
    assert not OutboxEmail.objects.filter(kind__startswith="projects.project_join").exists()


def test_the_project_page_links_the_call_and_the_workshop_that_fed_it(client, project):
    call = CallForIdeasPageFactory(
        parent=CallForIdeasIndexPage.objects.get(), title="Se déplacer autrement"
    )
    workshop = WorkshopPageFactory(parent=WorkshopIndexPageFactory(), title="Mobilités")
    IdeaFactory(call=call, title="Des montures pour tous", project=project, is_published=True)
    project.workshops = [workshop]
    project.save_revision().publish()

    body = client.get(project.url).content.decode()

    header = body.split('class="project__origins"')[1].split("</p>")[0]
    assert f'href="{call.url}"' in header and f'href="{workshop.url}"' in header
    assert "Proposée à l&#x27;appel à idées" in body or "Proposée à l'appel à idées" in body


def test_an_unpublished_call_is_named_nowhere_on_the_project(client, project):
    call = CallForIdeasPageFactory(
        parent=CallForIdeasIndexPage.objects.get(), title="Appel en préparation"
    )
    IdeaFactory(call=call, title="Des montures pour tous", project=project, is_published=True)
    call.unpublish()

    body = client.get(project.url).content.decode()

    assert "Des montures pour tous" in body
    assert "Appel en préparation" not in body and call.url not in body


# The form ---------------------------------------------------------------------------


def test_the_join_form_asks_for_little_and_links_the_privacy_page(client, project):
    response = client.get(join_url(project))

    assert response.status_code == 200
    body = response.content.decode()
    for name in ("name", "email", "contribution", "consent", abuse.HONEYPOT_FIELD):
        assert f'name="{name}"' in body
    assert 'maxlength="2000"' in body
    assert 'href="/confidentialite/"' in body
    assert "Rejoindre le projet « Lunettes solidaires »" in text(response)


def test_a_valid_message_reaches_the_project_contact_and_is_acknowledged(
    client, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(project), form_data(project))

    assert response.status_code == 302
    assert response["Location"] == join_url(project) + "merci/"
    rows = OutboxEmail.objects.about(project).order_by("pk")
    assert [(row.kind, row.to) for row in rows] == [
        ("projects.project_join_request", "claude@example.org"),
        ("projects.project_join_acknowledgement", "dominique@example.org"),
    ]
    request, acknowledgement = rows
    assert request.reply_to == "dominique@example.org", "the team answers by replying"
    assert MESSAGE in plain(request.body_text) and "Dominique Bailly" in request.body_text
    assert MESSAGE in plain(html.unescape(request.body_html))
    assert "Lunettes solidaires" in acknowledgement.subject
    assert "opticienne" not in acknowledgement.body_text, "the acknowledgement repeats nothing"
    assert acknowledgement.body_html
    assert {message.to[0] for message in mail.outbox} == {
        "claude@example.org",
        "dominique@example.org",
    }

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Merci ! Votre message est transmis" in text(thanks)
    assert "csrfmiddlewaretoken" not in thanks.content.decode()


def test_without_a_project_contact_the_message_goes_to_the_team(client, project):
    project.contact_email = ""
    project.save_revision().publish()

    assert client.post(join_url(project), form_data(project)).status_code == 302

    request = OutboxEmail.objects.get(kind="projects.project_join_request")
    assert request.to == "equipe@example.org"
    assert "à transmettre aux personnes du projet" in plain(request.body_text)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Indiquez votre nom"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique complète"),
        ({"contribution": "Oui"}, "Votre message est trop court"),
        ({"contribution": "x" * 2001}, "Votre message est trop long : 2 000 caractères au plus"),
        ({"consent": None}, "Cochez cette case pour que nous puissions transmettre"),
        ({"name": "Nom\x1b[31m"}, "Nom"),
    ],
)
def test_bad_input_is_explained_in_french_and_nothing_is_sent(client, project, overrides, message):
    response = client.post(join_url(project), form_data(project, **overrides))

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Votre message n'a pas encore été envoyé" in page
    assert 'role="alert"' in page
    assert not OutboxEmail.objects.exists()


def test_a_filled_honeypot_is_refused_kindly(client, project):
    response = client.post(
        join_url(project), form_data(project, **{abuse.HONEYPOT_FIELD: "http://spam"})
    )

    assert response.status_code == 400
    assert "Le champ « Laissez ce champ vide » a été rempli" in text(response)
    assert MESSAGE in text(response), "what was typed is kept"
    assert not OutboxEmail.objects.exists()


def test_too_fast_or_forged_start_is_refused_and_kept(client, project):
    fast = abuse.start_token(scope=token_scope(project))
    too_fast = client.post(join_url(project), form_data(project, **{abuse.STARTED_FIELD: fast}))
    forged = client.post(join_url(project), form_data(project, **{abuse.STARTED_FIELD: "abc"}))

    assert too_fast.status_code == forged.status_code == 400
    assert "en moins de 3 secondes" in text(too_fast)
    assert "ouvert depuis trop longtemps ou incomplet" in text(forged)
    assert not OutboxEmail.objects.exists()


def test_the_same_form_sent_twice_sends_once(client, project):
    data = form_data(project)
    first = client.post(join_url(project), data)
    again = client.post(join_url(project), data)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert OutboxEmail.objects.filter(kind="projects.project_join_request").count() == 1


def test_the_rate_limit_names_the_address_to_write_to(client, project):
    for number in range(JOIN_RATE_LIMIT.limit):
        data = form_data(project, email=f"personne{number}@example.org")
        assert client.post(join_url(project), data).status_code == 302

    response = client.post(join_url(project), form_data(project, email="de-trop@example.org"))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = text(response)
    assert "écrivez-nous directement à contact@example.org" in page
    assert MESSAGE in page
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert other.post(join_url(project), form_data(project)).status_code == 302


def test_a_huge_body_gets_a_french_refusal_not_an_error(client, project):
    response = client.post(join_url(project), form_data(project, contribution="é" * 200_000))

    assert response.status_code == 413
    assert "Votre message n'a pas été envoyé" in text(response)
    assert not OutboxEmail.objects.exists()
