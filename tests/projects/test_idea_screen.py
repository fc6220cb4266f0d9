"""The idea screen in the admin: the person's submission first and read-only, the team's
public answer and personal message kept apart (the personal one never reaches a public
page), a duplicate chooser that searches and never offers the idea itself, and the
admin's wording in good French."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import Idea
from tests.projects.factories import CallForIdeasPageFactory, CommuneFactory, IdeaFactory

PERSONAL = "Merci Marie ! On vous attend à l'atelier du 12 mars, venez avec votre vélo."
PUBLIC = "Retenue : la recyclerie rejoint l'atelier « Réemploi » du printemps."


@pytest.fixture
def call(index):
    return CallForIdeasPageFactory(parent=index, title="Transitions 2026", slug="transitions-2026")


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(user)
    return user


@pytest.fixture
def idea(call):
    return IdeaFactory(
        call=call,
        title="Une recyclerie à Morez",
        description="Un lieu pour réparer et revendre les objets du quotidien, tenu par des bénévoles.",
        commune=CommuneFactory(name="Morez", slug="morez-ecran", postal_code="39400"),
        name="Marie Vuillet",
        email="marie@example.org",
        phone="03 84 00 00 00",
        consent_contact=True,
    )


def edit_url(idea) -> str:
    return reverse("wagtailsnippets_projects_idea:edit", args=[idea.pk])


def page_text(response) -> str:
    body = re.sub(r"<(script|template)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def follow_up(**overrides) -> dict:
    """The team's fields of the idea screen, as its form sends them."""
    data = {
        "status": Idea.Status.RECEIVED,
        "public_answer": "",
        "personal_message": "",
        "assigned_to": "",
        "staff_notes": "",
        "duplicate_of": "",
        "project": "",
        "theme": "",
    }
    data.update(overrides)
    return data


# --- the submission, first and read-only -------------------------------------------------


def test_the_idea_screen_shows_the_submission_first_and_not_as_inputs(client, staff, idea):
    response = client.get(edit_url(idea))
    text = page_text(response)

    assert response.status_code == 200
    submission = text.index("La proposition reçue")
    assert submission < text.index("Suivi par l'équipe") < text.index("Traçabilité")
    for shown in (
        "Une recyclerie à Morez",
        "Un lieu pour réparer et revendre",
        "Marie Vuillet",
        "marie@example.org",
        "03 84 00 00 00",
        "Morez",
        idea.get_involvement_display(),
    ):
        assert shown in text[submission:], shown
    form = response.context["form"]
    assert not {"title", "description", "name", "email", "phone", "commune"} & set(form.fields)
    assert {"status", "public_answer", "personal_message", "duplicate_of"} <= set(form.fields)
    for name in ("title", "description", "name", "email"):
        assert not re.search(rf'<(input|textarea)[^>]* name="{name}"', response.text), name


def test_a_post_cannot_change_what_the_person_wrote(client, staff, idea):
    response = client.post(
        edit_url(idea),
        follow_up(
            status=Idea.Status.UNDER_STUDY,
            staff_notes="Appeler Marie.",
            title="Titre réécrit",
            description="Un texte que la personne n'a jamais écrit, glissé dans le formulaire.",
            name="Quelqu'un d'autre",
            email="autre@example.org",
            call=CallForIdeasPageFactory(parent=idea.call.get_parent(), slug="autre").pk,
        ),
    )

    assert response.status_code == 302, page_text(response)[:2000]
    idea.refresh_from_db()
    assert (idea.status, idea.staff_notes) == (Idea.Status.UNDER_STUDY, "Appeler Marie.")
    assert idea.title == "Une recyclerie à Morez"
    assert idea.description.startswith("Un lieu pour réparer")
    assert (idea.name, idea.email) == ("Marie Vuillet", "marie@example.org")
    assert idea.call.title == "Transitions 2026"


def test_staff_still_type_in_an_idea_received_on_paper(client, staff, call):
    add_url = reverse("wagtailsnippets_projects_idea:add")
    page = client.get(add_url)

    response = client.post(
        add_url,
        follow_up(
            call=call.pk,
            title="Un composteur partagé",
            description="Déposée sur papier à l'atelier : un composteur au pied des immeubles.",
            involvement=Idea.Involvement.INFORMED,
            name="Paul Girod",
            email="paul@example.org",
        ),
    )

    assert "Nouvelle idée" in page_text(page) and 'name="description"' in page.text
    assert response.status_code == 302, page_text(response)[:2000]
    assert Idea.objects.get(title="Un composteur partagé").name == "Paul Girod"


# --- public answer and personal message ----------------------------------------------------


def test_the_status_email_carries_the_personal_message_and_the_page_the_public_answer(
    client, staff, idea, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(idea),
            follow_up(
                status=Idea.Status.RETAINED,
                public_answer=PUBLIC,
                personal_message=PERSONAL,
                is_published="on",
            ),
        )
    client.logout()
    call_page = page_text(client.get(idea.call.url))

    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["marie@example.org"]
    # The email's text gets French no-break spaces (home.typography): compare words.
    body = email.body.replace("\xa0", " ").replace("\u202f", " ")
    html_body = email.alternatives[0].content.replace("\xa0", " ").replace("&nbsp;", " ")
    html_body = html_body.replace("\u202f", " ").replace("&#8239;", " ")
    assert PERSONAL in body and html.escape(PERSONAL) in html_body
    assert PUBLIC not in body
    assert PUBLIC in call_page and PERSONAL not in call_page


def test_the_personal_message_never_reaches_a_public_page(client, call, idea, demo_site):
    Idea.objects.filter(pk=idea.pk).update(
        is_published=True,
        status=Idea.Status.RETAINED,
        public_answer=PUBLIC,
        personal_message=PERSONAL,
    )
    secret = "Merci Marie"
    pages = {
        "call": client.get(idea.call.url),
        "calls": client.get(idea.call.get_parent().url),
        "search": client.get("/recherche/", {"q": "Marie"}),
        "search-recyclerie": client.get("/recherche/", {"q": "recyclerie"}),
        "home": client.get("/"),
        "sitemap": client.get("/sitemap.xml"),
    }

    assert PUBLIC in page_text(pages["call"]), "the public answer is shown"
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert secret not in html.unescape(response.text), name
    assert "personal_message" not in Idea.objects.published_on(idea.call).query.__str__()


# --- the duplicate chooser ---------------------------------------------------------------


def test_the_duplicate_chooser_searches_and_never_offers_the_idea_itself(client, staff, idea, call):
    IdeaFactory(call=call, title="Recyclerie solidaire de Saint-Claude")
    IdeaFactory(call=call, title="Navette vers la gare")
    chooser = reverse("wagtailsnippetchoosers_projects_idea:choose")
    results = reverse("wagtailsnippetchoosers_projects_idea:choose_results")

    screen = client.get(edit_url(idea))
    everything = client.get(chooser, {"exclude": idea.pk})
    searched = client.get(results, {"exclude": idea.pk, "q": "recyclerie"})
    by_number = client.get(results, {"exclude": idea.pk, "q": str(idea.pk)})
    refused = client.post(edit_url(idea), follow_up(duplicate_of=idea.pk))

    assert f"{chooser}?exclude={idea.pk}" in html.unescape(screen.text)
    listing = html.unescape(everything.json()["html"])
    assert "Navette vers la gare" in listing and "Recyclerie solidaire" in listing
    assert "Une recyclerie à Morez" not in listing, "never the idea itself"
    assert f'action="{results}?exclude={idea.pk}"' in listing, "searching keeps it out"
    found = page_text(searched)
    assert "Recyclerie solidaire de Saint-Claude" in found
    assert "Navette" not in found and "Une recyclerie à Morez" not in found
    assert "Une recyclerie à Morez" not in page_text(by_number)
    assert refused.status_code == 200
    idea.refresh_from_db()
    assert idea.duplicate_of is None


def test_the_duplicate_is_chosen_through_the_screen(client, staff, idea, call):
    original = IdeaFactory(call=call, title="Recyclerie solidaire de Saint-Claude")

    response = client.post(edit_url(idea), follow_up(duplicate_of=original.pk))

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.duplicate_of == original


# --- the admin's French ------------------------------------------------------------------


def test_the_idea_screens_read_in_good_french(client, staff, idea, demo_site):
    listing = page_text(client.get(reverse("wagtailsnippets_projects_idea:list")))
    screen = page_text(client.get(edit_url(idea)))
    chooser = client.get(reverse("wagtailsnippetchoosers_projects_idea:choose"))

    assert "Ajouter une idée" in listing and "un(e)" not in listing
    assert "Choisir l'idée d'origine" in screen
    assert "ce/cette" not in screen and "Utilisé(e)" not in screen
    assert "Status" not in screen, "Statut, never Status"
    # The side panel tells the idea's own status, not Wagtail's "Publié" of any record.
    assert "Statut de l'idée : Reçue Non publiée : seule l'équipe la voit" in screen
    assert "Choisir une idée" in html.unescape(chooser.json()["html"])
