"""Submitting an idea to a call: what is stored, what is shown, what is sent, what is refused."""

import datetime
import html
import time

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from home import abuse
from home.models import OutboxEmail
from projects.models import Idea
from projects.views.ideas import IDEA_RATE_LIMIT, token_scope
from tests.projects.factories import (
    CallForIdeasPageFactory,
    CommuneFactory,
    IdeaFactory,
    ThemeFactory,
)

DESCRIPTION = "Une recyclerie où réparer et revendre les matériaux de chantier du Haut-Jura."


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Transition écologique", slug="transition-ecologique")


@pytest.fixture
def other_theme(db):
    return ThemeFactory(name="Transition sociale", slug="transition-sociale")


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Morez", slug="morez", postal_code="39400")


@pytest.fixture
def call(index, theme):
    call = CallForIdeasPageFactory(parent=index, title="Transitions 2026", slug="transitions-2026")
    call.themes.set([theme])
    call.save_revision().publish()
    return call


def form_data(call, theme, commune, /, **overrides):
    """A complete, valid submission, shown a minute ago."""
    data = {
        "title": "Une recyclerie de matériaux à Morez",
        "description": DESCRIPTION,
        "theme": str(theme.pk),
        "commune": str(commune.pk),
        "involvement": "contribute",
        "name": "Camille Martin",
        "email": "camille@example.org",
        "organisation": "Association Les Bâtisseurs",
        "phone": "03 84 00 00 00",
        "consent_processing": "on",
        "consent_contact": "on",
        abuse.STARTED_FIELD: abuse.start_token(scope=token_scope(call), now=time.time() - 60),
        abuse.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_call_page_shows_the_form_while_open(client, call):
    response = client.get(call.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="title"' in body and 'name="description"' in body
    assert 'maxlength="5000"' in body and 'minlength="30"' in body
    assert 'href="/confidentialite/"' in body  # the consent label links to the privacy page
    assert 'class="hp-field"' in body and f'name="{abuse.HONEYPOT_FIELD}"' in body
    assert "Appel ouvert" in body


def test_valid_submission_is_stored_then_acknowledged_and_notified(
    client, call, theme, commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(call.url, form_data(call, theme, commune))

    assert response.status_code == 302
    assert response["Location"] == call.url + "merci/"
    idea = Idea.objects.get(call=call)
    assert idea.call == call
    assert idea.title == "Une recyclerie de matériaux à Morez"
    assert idea.description == DESCRIPTION
    assert (idea.theme, idea.commune) == (theme, commune)
    assert idea.involvement == Idea.Involvement.CONTRIBUTE
    assert (idea.name, idea.email) == ("Camille Martin", "camille@example.org")
    assert (idea.organisation, idea.phone) == ("Association Les Bâtisseurs", "03 84 00 00 00")
    assert idea.consent_processing and idea.consent_contact
    assert idea.status == Idea.Status.RECEIVED and not idea.is_published

    # The emails left only after the commit, through the background task (the other
    # callback replaces the page cache's version: the home page counts the ideas).
    emails = [cb for cb in callbacks if "queue_email" in getattr(cb, "__qualname__", "")]
    assert len(emails) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "equipe@example.org",
    ]
    acknowledgement = next(m for m in mail.outbox if m.to == ["camille@example.org"])
    assert "a bien été reçue" in acknowledgement.subject
    assert DESCRIPTION not in acknowledgement.body, "never echoed to an unverified address"
    assert "Une recyclerie de matériaux à Morez" in acknowledgement.body
    assert acknowledgement.reply_to == ["contact@example.org"]
    notification = next(m for m in mail.outbox if m.to == ["equipe@example.org"])
    assert "Nouvelle idée" in notification.subject
    assert "camille@example.org" in notification.body
    assert f"/admin/snippets/projects/idea/edit/{idea.pk}/" in notification.body
    assert notification.reply_to == ["camille@example.org"]
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxEmail.State.SENT}

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    text = page_text(confirmation)
    assert "Merci ! Votre idée a bien été reçue" in text
    assert "Et maintenant ?" in text


def test_optional_fields_may_stay_empty(client, call, theme, commune):
    data = form_data(call, theme, commune, organisation="", phone="", consent_contact=None)
    response = client.post(call.url, data)
    assert response.status_code == 302
    idea = Idea.objects.get(call=call)
    assert (idea.organisation, idea.phone, idea.consent_contact) == ("", "", False)


def test_call_without_themes_offers_every_theme(client, index, theme, other_theme, commune):
    call = CallForIdeasPageFactory(parent=index)
    body = client.get(call.url).content.decode()
    assert "Transition écologique" in body and "Transition sociale" in body
    response = client.post(call.url, form_data(call, other_theme, commune))
    assert response.status_code == 302
    assert Idea.objects.get(call=call).theme == other_theme


BAD_FIELDS = [
    # field, submitted value (None: left out), message shown next to the field
    ("title", "", "Donnez un titre à votre idée."),
    ("title", "Abc", "Le titre est trop court : 5 caractères au moins"),
    ("title", "t" * 151, "Le titre est trop long : 150 caractères au plus"),
    ("title", "Deux\nlignes", "Ce champ tient sur une seule ligne"),
    ("description", "", "Décrivez votre idée en quelques phrases."),
    ("description", "Trop court.", "Le texte de votre idée est trop court"),
    (
        "description",
        "d" * 5001,
        "Le texte de votre idée est trop long : 5\u202f000 caractères au plus",
    ),
    ("theme", "", "Choisissez le thème le plus proche de votre idée."),
    ("theme", "999999", "Choisissez un thème dans la liste."),
    ("theme", "pas-un-nombre", "Choisissez un thème dans la liste."),
    ("commune", "", "Choisissez la commune concernée par votre idée, ou « Autre commune »"),
    ("commune", "999999", "Choisissez une commune dans la liste."),
    ("involvement", None, "Dites-nous comment vous souhaitez vous impliquer."),
    ("involvement", "tout", "Choisissez une des propositions."),
    ("name", "", "Indiquez votre nom"),
    ("name", "n" * 151, "Le nom est trop long : 150 caractères au plus"),
    ("email", "", "Indiquez votre adresse électronique"),
    ("email", "camille@", "Saisissez une adresse électronique complète"),
    ("email", "camille example.org", "Saisissez une adresse électronique complète"),
    ("organisation", "o" * 151, "Le nom de l'organisation est trop long"),
    ("phone", "appelez-moi", "Saisissez un numéro de téléphone"),
    ("phone", "0" * 31, "Le numéro de téléphone est trop long"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_bad_field_is_explained_next_to_it_and_nothing_is_stored(
    client, call, theme, commune, field, value, message
):
    response = client.post(call.url, form_data(call, theme, commune, **{field: value}))

    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()
    assert not OutboxEmail.objects.exists()
    body = response.content.decode()
    text = page_text(response)
    assert message in text
    # Next to the field (linked by aria-describedby) and in the summary announced at the top.
    assert f'id="id_{field}_error"' in body
    assert 'class="error-summary" role="alert"' in body
    anchor = f"#id_{field}_0" if field == "involvement" else f"#id_{field}"
    assert f'href="{anchor}"' in body
    assert text.count(message) >= 2
    assert "<title>Erreur : votre idée n'a pas été envoyée" in text
    # What was typed in the other fields is kept.
    if field != "name":
        assert 'value="Camille Martin"' in body
    if field != "description":
        assert DESCRIPTION in text
    if field != "commune":
        assert f'<option value="{commune.pk}" selected>' in body


def test_missing_consent_is_refused_and_explained(client, call, theme, commune):
    response = client.post(call.url, form_data(call, theme, commune, consent_processing=None))
    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()
    text = page_text(response)
    assert "Cochez cette case pour que nous puissions étudier votre idée" in text
    assert 'href="#id_consent_processing"' in response.content.decode()
    assert "Une recyclerie de matériaux à Morez" in text


def test_service_refuses_an_idea_without_consent(call, theme, commune):
    from django.core.exceptions import ValidationError

    from projects.services.ideas import submit_idea

    with pytest.raises(ValidationError):
        submit_idea(
            call=call,
            title="Une idée sans accord",
            description=DESCRIPTION,
            involvement="informed",
            name="Camille",
            email="camille@example.org",
            consent_processing=False,
        )
    assert not Idea.objects.filter(call=call).exists()


def test_filled_honeypot_is_refused_kindly_and_nothing_is_stored(client, call, theme, commune):
    data = form_data(call, theme, commune, **{abuse.HONEYPOT_FIELD: "http://spam.example"})
    response = client.post(call.url, data)
    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()
    assert not mail.outbox
    text = page_text(response)
    assert "Votre idée n'a pas été enregistrée" in text
    assert "Une recyclerie de matériaux à Morez" in text  # kept for a human to resend
    assert 'name="site_internet" value=""' in response.content.decode()  # honeypot emptied


def test_too_fast_is_refused_kindly_then_accepted_after_a_pause(
    client, call, theme, commune, monkeypatch
):
    started = abuse.start_token(scope=token_scope(call))
    data = form_data(call, theme, commune, **{abuse.STARTED_FIELD: started})
    response = client.post(call.url, data)
    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()
    assert "moins de 3 secondes" in page_text(response)
    # The same start time is kept: waiting is enough.
    assert f'value="{started}"' in response.content.decode()

    later = time.time() + abuse.MIN_FILL_SECONDS + 1
    monkeypatch.setattr(abuse.time, "time", lambda: later)
    assert client.post(call.url, data).status_code == 302
    assert Idea.objects.filter(call=call).count() == 1


@pytest.mark.parametrize(
    "make_token",
    [
        lambda call: "",
        lambda call: "forged",
        lambda call: abuse.start_token(scope=token_scope(call) + "0", now=time.time() - 60),
        lambda call: abuse.start_token(
            scope=token_scope(call), now=time.time() - 2 * abuse.MAX_FORM_AGE_SECONDS
        ),
    ],
    ids=["missing", "forged", "another-call", "stale"],
)
def test_missing_forged_or_stale_start_time_is_refused(client, call, theme, commune, make_token):
    data = form_data(call, theme, commune, **{abuse.STARTED_FIELD: make_token(call)})
    response = client.post(call.url, data)
    assert response.status_code == 400
    assert not Idea.objects.filter(call=call).exists()
    assert "Votre texte est conservé ci-dessous" in page_text(response)


def test_rate_limit_refuses_the_sixth_idea_in_an_hour(client, call, theme, commune):
    for number in range(IDEA_RATE_LIMIT.limit):
        data = form_data(call, theme, commune, title=f"Idée numéro {number + 1}")
        assert client.post(call.url, data).status_code == 302

    data = form_data(call, theme, commune, title="Idée de trop")
    response = client.post(call.url, data)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert Idea.objects.filter(call=call).count() == IDEA_RATE_LIMIT.limit
    assert not Idea.objects.filter(call=call, title="Idée de trop").exists()
    text = page_text(response)
    assert "Merci pour toutes ces idées !" in text
    assert "écrivez-nous directement à contact@example.org" in text  # the address, not a dead end
    assert "Idée de trop" in text  # kept, to send later
    # Another connection is not affected.
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert (
        other.post(call.url, form_data(call, theme, commune, title="Autre foyer")).status_code
        == 302
    )


def test_rate_limit_counts_an_ipv6_household_as_one(rf):
    first = rf.post("/", REMOTE_ADDR="2001:db8:1:2::10")
    second = rf.post("/", REMOTE_ADDR="2001:db8:1:2:abcd::99")
    other = rf.post("/", REMOTE_ADDR="2001:db8:1:3::10")
    limit = abuse.RateLimit(scope="test", limit=1, window=60)
    assert limit.hit(first)
    assert not limit.hit(second)
    assert limit.hit(other)


def test_same_idea_sent_twice_is_stored_once(client, call, theme, commune):
    data = form_data(call, theme, commune)
    assert client.post(call.url, data).status_code == 302
    assert client.post(call.url, data).status_code == 302  # a double click
    assert Idea.objects.filter(call=call).count() == 1
    assert OutboxEmail.objects.count() == 2  # one acknowledgement, one notification


XSS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "<a href=\"javascript:alert('x')\">clic</a>",
]


@pytest.mark.parametrize("payload", XSS)
def test_html_and_script_are_stored_as_typed_and_always_shown_escaped(
    client, call, theme, commune, payload, django_capture_on_commit_callbacks
):
    data = form_data(
        call,
        theme,
        commune,
        title=f"Titre {payload}"[:150],
        description=f"Description avec {payload} dedans, assez longue.",
        name=f"Nom {payload}"[:150],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(call.url, data).status_code == 302
    idea = Idea.objects.get(call=call)
    assert payload in idea.description  # stored as typed
    assert idea.title == f"Titre {payload}"[:150]

    idea.is_published = True
    idea.public_answer = f"Réponse {payload}"
    idea.save()
    body = client.get(call.url).content.decode()
    assert payload not in body
    assert body.count(html.escape(payload)) >= 3  # title, description, public answer

    for message in mail.outbox:
        html_part = message.alternatives[0].content
        assert payload not in html_part
    acknowledgement = next(m for m in mail.outbox if m.to == ["camille@example.org"])
    assert payload in acknowledgement.body  # plain text: shown as typed, nothing to run

    # An error page shows it escaped too.
    response = client.post(call.url, {**data, "email": "pas-une-adresse"})
    assert response.status_code == 400
    assert payload not in response.content.decode()


def test_one_megabyte_description_gets_a_clear_french_refusal(client, call, theme, commune):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(call.url)
    token = csrf_client.cookies["csrftoken"].value
    data = form_data(call, theme, commune, description="x" * (1024 * 1024))
    response = csrf_client.post(call.url, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code == 413
    assert not Idea.objects.filter(call=call).exists()
    text = page_text(response)
    assert "Votre envoi est trop volumineux" in text
    assert "raccourcissez-le" in text


def test_body_over_djangos_own_limit_is_a_bad_request_not_an_error(client, call, theme, commune):
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE, Django refuses to parse the body before any view
    (in the CSRF middleware): a 400, never a 500, and nothing stored."""
    from django.conf import settings

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(call.url)
    token = csrf_client.cookies["csrftoken"].value
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    data = form_data(call, theme, commune, description="x" * size)
    response = csrf_client.post(call.url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode(), "Django's own refusal is in French too"
    assert not Idea.objects.filter(call=call).exists()


def test_longest_legitimate_submission_fits_under_the_body_limit(client, call, theme, commune):
    data = form_data(
        call,
        theme,
        commune,
        title="🌲" * 150,
        description="🌲" * 5000,
        name="名" * 150,
        organisation="م" * 150,
    )
    response = client.post(call.url, data)
    assert response.status_code == 302
    assert Idea.objects.get(call=call).description == "🌲" * 5000


def test_non_latin_text_is_stored_and_shown(client, call, theme, commune):
    title = "فكرة: 本地回收站 ♻️"
    description = "نقترح إنشاء ورشة إصلاح في القرية. 我们希望在村里建立一个维修车间。🚲🌲"
    name = "Zoë Ñúñez 王芳"
    data = form_data(call, theme, commune, title=title, description=description, name=name)
    assert client.post(call.url, data).status_code == 302
    idea = Idea.objects.get(call=call)
    assert (idea.title, idea.description, idea.name) == (title, description, name)

    idea.is_published = True
    idea.save()
    text = page_text(client.get(call.url))
    assert title in text and description in text
    assert name not in text  # personal data never shown


@pytest.mark.parametrize(
    ("opens", "closes", "heading"),
    [(-30, -1, "Cet appel est clos"), (2, 30, "Cet appel n'est pas encore ouvert")],
)
def test_closed_or_upcoming_call_refuses_a_post_clearly(
    client, index, theme, commune, opens, closes, heading
):
    today = timezone.localdate()
    call = CallForIdeasPageFactory(
        parent=index,
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
    )
    page = client.get(call.url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert heading in page_text(page)

    response = client.post(call.url, form_data(call, theme, commune))
    assert response.status_code == 403
    assert not Idea.objects.filter(call=call).exists()
    text = page_text(response)
    assert heading in text
    assert "Votre idée n'a pas été enregistrée" in text


def test_closed_call_shows_what_came_of_it(client, index):
    today = timezone.localdate()
    call = CallForIdeasPageFactory(
        parent=index,
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=30),
        outcome="<p>Deux pistes retenues : covoiturage et vélos.</p>",
    )
    text = page_text(client.get(call.url))
    assert "Cet appel est clos" in text
    assert "Ce qui en est sorti" in text
    assert "Deux pistes retenues\u00a0: covoiturage et vélos." in text  # French spacing


def test_call_is_open_through_its_last_day_in_paris(index, monkeypatch):
    call = CallForIdeasPageFactory(
        parent=index, opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 3, 31)
    )
    assert call.state(datetime.date(2026, 2, 28)) == "upcoming"
    assert call.state(datetime.date(2026, 3, 1)) == "open"
    assert call.state(datetime.date(2026, 3, 31)) == "open"
    assert call.state(datetime.date(2026, 4, 1)) == "closed"
    # 23:30 UTC on March 31 is already April 1 in Paris.
    late = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert not call.is_open()


def test_published_ideas_never_show_personal_data(client, call, commune):
    IdeaFactory(
        call=call,
        title="Idée publiée",
        commune=commune,
        name="Dominique Secret",
        email="dominique.secret@example.org",
        organisation="Société Confidentielle",
        phone="03 84 99 99 99",
        is_published=True,
        status=Idea.Status.RETAINED,
        public_answer="Retenue : un atelier s'en occupe.",
    )
    IdeaFactory(call=call, title="Idée non publiée")
    text = page_text(client.get(call.url))
    assert "Idée publiée" in text and "Morez" in text
    assert "Retenue" in text and "Retenue : un atelier s'en occupe." in text
    assert "Idée non publiée" not in text
    for private in ["Dominique Secret", "dominique.secret@", "Société Confidentielle", "99 99 99"]:
        assert private not in text
