"""Staff carry an idea through its statuses in the Wagtail admin: emails, duplicates, export."""

import datetime
import html

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from home import figures
from home.models import OutboxEmail
from home.typography import french_spacing, french_spacing_html
from projects.models import Idea
from projects.services.ideas import change_idea_status, mark_duplicate
from tests.exports import csv_rows, csv_text, xlsx_rows, xlsx_table
from tests.projects.factories import (
    CallForIdeasPageFactory,
    CommuneFactory,
    IdeaFactory,
    ThemeFactory,
)

ANSWER = "Retenue : elle rejoint l'atelier « Mobilités » du 12 mars, où vous êtes attendu·e."


@pytest.fixture
def call(index):
    return CallForIdeasPageFactory(parent=index, title="Transitions 2026", slug="transitions-2026")


@pytest.fixture
def other_call(index):
    return CallForIdeasPageFactory(parent=index, title="Mobilités", slug="mobilites")


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "equipe", "equipe@example.org", "mot-de-passe", first_name="Alex", last_name="Equipe"
    )
    client.force_login(user)
    return user


def edit_url(idea):
    return reverse("wagtailsnippets_projects_idea:edit", args=[idea.pk])


def admin_post_data(idea, **overrides):
    """What the admin edit form sends back for `idea`, with `overrides` applied."""
    data = {
        "status": idea.status,
        "public_answer": idea.public_answer,
        "personal_message": idea.personal_message,
        "assigned_to": idea.assigned_to_id or "",
        "staff_notes": idea.staff_notes,
        "duplicate_of": idea.duplicate_of_id or "",
        "project": idea.project_id or "",
        "call": idea.call_id,
        "title": idea.title,
        "description": idea.description,
        "theme": idea.theme_id or "",
        "commune": idea.commune_id or "",
        "involvement": idea.involvement,
        "name": idea.name,
        "email": idea.email,
        "organisation": idea.organisation,
        "phone": idea.phone,
    }
    if idea.is_published:
        data["is_published"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- status changes and their email ---------------------------------------------------


def test_status_change_emails_the_personal_message_when_the_submitter_agreed(
    call, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(call=call, consent_contact=True, email="camille@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        change_idea_status(
            idea=idea,
            status=Idea.Status.RETAINED,
            public_answer="Retenue pour l'atelier « Mobilités ».",
            personal_message=ANSWER,
        )

    idea.refresh_from_db()
    assert idea.status == Idea.Status.RETAINED and idea.personal_message == ANSWER
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    # French no-break spaces in every email (home.outbox).
    assert message.subject == french_spacing(f"Votre idée « {idea.title} » : retenue")
    assert "elle est désormais retenue" in message.body
    assert french_spacing(ANSWER) in message.body
    assert french_spacing_html(html.escape(ANSWER)) in message.alternatives[0].content
    assert "Retenue pour l'atelier" not in message.body, "the public answer is not the email"
    assert message.reply_to == ["contact@example.org"]
    email = OutboxEmail.objects.about(idea).get(kind="projects.idea_status_changed")
    assert email.state == OutboxEmail.State.SENT


def test_status_change_sends_nothing_without_consent_to_be_contacted(
    call, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(call=call, consent_contact=False)
    with django_capture_on_commit_callbacks(execute=True):
        change_idea_status(idea=idea, status=Idea.Status.NOT_RETAINED, personal_message=ANSWER)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.NOT_RETAINED
    assert not mail.outbox
    assert not OutboxEmail.objects.exists()


def test_saving_the_same_status_again_sends_nothing(call, django_capture_on_commit_callbacks):
    idea = IdeaFactory(call=call, consent_contact=True, status=Idea.Status.UNDER_STUDY)
    with django_capture_on_commit_callbacks(execute=True):
        change_idea_status(idea=idea, status=Idea.Status.UNDER_STUDY, public_answer="Précision.")
    assert not mail.outbox


def test_unknown_status_is_refused(call):
    idea = IdeaFactory(call=call)
    with pytest.raises(ValidationError):
        change_idea_status(idea=idea, status="archived")


def test_admin_edit_routes_the_status_change_through_the_service(
    client, staff, call, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(call=call, consent_contact=True, email="camille@example.org")
    data = admin_post_data(
        idea,
        status=Idea.Status.RETAINED,
        public_answer="Retenue : elle rejoint l'atelier « Mobilités ».",
        personal_message=ANSWER,
        staff_notes="Appeler Camille avant l'atelier.",
        assigned_to=staff.pk,
        is_published="on",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(idea), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    idea.refresh_from_db()
    assert idea.status == Idea.Status.RETAINED
    assert idea.public_answer == "Retenue : elle rejoint l'atelier « Mobilités »."
    assert idea.personal_message == ANSWER
    assert idea.staff_notes == "Appeler Camille avant l'atelier."
    assert idea.assigned_to == staff and idea.is_published
    assert len(mail.outbox) == 1
    assert french_spacing(ANSWER) in mail.outbox[0].body
    assert "Appeler Camille" not in mail.outbox[0].body  # staff notes stay private
    assert "publiée, sans votre nom" in mail.outbox[0].body


def test_admin_edit_without_consent_changes_status_silently(
    client, staff, call, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(call=call, consent_contact=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(idea), admin_post_data(idea, status=Idea.Status.UNDER_STUDY)
        )
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.UNDER_STUDY
    assert not mail.outbox


def test_admin_edit_without_status_change_sends_nothing(
    client, staff, call, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(call=call, consent_contact=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(idea), admin_post_data(idea, staff_notes="Relu."))
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).staff_notes == "Relu."
    assert not mail.outbox


def test_admin_cannot_edit_the_consents(client, staff, call):
    idea = IdeaFactory(call=call, consent_contact=False)
    client.post(edit_url(idea), admin_post_data(idea, consent_contact="on"))
    assert Idea.objects.get(pk=idea.pk).consent_contact is False


# --- duplicates -------------------------------------------------------------------------


def test_marking_a_duplicate_keeps_both_ideas_and_their_link(client, staff, call):
    original = IdeaFactory(call=call, title="Covoiturage entre villages", is_published=True)
    duplicate = IdeaFactory(call=call, title="Partager les trajets", is_published=True)

    response = client.post(
        edit_url(duplicate), admin_post_data(duplicate, duplicate_of=original.pk)
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert Idea.objects.filter(pk__in=[original.pk, duplicate.pk]).count() == 2
    assert list(original.duplicates.all()) == [duplicate]
    # Visible from both sides in the admin.
    original_page = client.get(edit_url(original)).content.decode()
    assert edit_url(duplicate) in original_page and "Partager les trajets" in original_page
    duplicate_page = client.get(edit_url(duplicate)).content.decode()
    assert edit_url(original) in duplicate_page
    # The public list shows the original only; the figure counts it once.
    public = client.get(call.url).content.decode()
    assert "Covoiturage entre villages" in public and "Partager les trajets" not in public
    assert figures.get("ideas").count() == 1


def test_an_idea_cannot_be_its_own_duplicate(call):
    idea = IdeaFactory(call=call)
    with pytest.raises(ValidationError):
        mark_duplicate(idea=idea, original=idea)


def test_choosing_a_duplicate_as_original_is_refused_with_the_way_out(client, staff, call):
    root = IdeaFactory(call=call, title="L'idée d'origine")
    middle = IdeaFactory(call=call, title="Un premier doublon", duplicate_of=root)
    third = IdeaFactory(call=call)
    response = client.post(edit_url(third), admin_post_data(third, duplicate_of=middle.pk))
    assert response.status_code == 200
    assert "choisissez l&#x27;idée d&#x27;origine, « L&#x27;idée d&#x27;origine »" in (
        response.content.decode()
    )
    assert Idea.objects.get(pk=third.pk).duplicate_of is None


def test_duplicates_follow_their_idea_when_it_becomes_a_duplicate(call):
    first = IdeaFactory(call=call)
    second = IdeaFactory(call=call)
    follower = IdeaFactory(call=call, duplicate_of=second)
    mark_duplicate(idea=second, original=first)
    follower.refresh_from_db()
    assert follower.duplicate_of == first
    assert set(first.duplicates.all()) == {second, follower}


def test_swapping_which_idea_stays(call):
    first = IdeaFactory(call=call)
    second = IdeaFactory(call=call, duplicate_of=first)
    mark_duplicate(idea=first, original=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.duplicate_of == second and second.duplicate_of is None


def test_clearing_the_duplicate_mark(client, staff, call):
    original = IdeaFactory(call=call)
    duplicate = IdeaFactory(call=call, duplicate_of=original)
    response = client.post(edit_url(duplicate), admin_post_data(duplicate, duplicate_of=""))
    assert response.status_code == 302
    assert Idea.objects.get(pk=duplicate.pk).duplicate_of is None


# --- listing, filters, search, export ---------------------------------------------------


@pytest.fixture
def two_calls_of_ideas(call, other_call):
    theme = ThemeFactory(name="Transition écologique", slug="transition-ecologique")
    commune = CommuneFactory(name="Morez", slug="morez", postal_code="39400")
    mine = [
        IdeaFactory(
            call=call,
            title="Recyclerie",
            theme=theme,
            commune=commune,
            name="Camille Martin",
            email="camille@example.org",
            phone="+33 3 84 00 00 00",
            status=Idea.Status.RETAINED,
            public_answer="Retenue.",
        ),
        IdeaFactory(call=call, title='=HYPERLINK("http://evil.example")', name="@Robot"),
    ]
    others = [IdeaFactory(call=other_call, title="Navette", name="Dominique Autre")]
    return mine, others


def test_listing_filters_by_call_and_status_and_searches_personal_data(
    client, staff, call, two_calls_of_ideas
):
    list_url = reverse("wagtailsnippets_projects_idea:list")
    body = client.get(list_url, {"call": call.pk}).content.decode()
    assert "Recyclerie" in body and "Navette" not in body
    body = client.get(list_url, {"status": Idea.Status.RETAINED}).content.decode()
    assert "Recyclerie" in body and "HYPERLINK" not in body
    body = client.get(list_url, {"q": "camille@example"}).content.decode()
    assert "Recyclerie" in body and "Navette" not in body
    body = client.get(list_url, {"is_duplicate": "false"}).content.decode()
    assert "Navette" in body


def test_csv_export_of_a_call_holds_its_ideas_only(client, staff, call, two_calls_of_ideas):
    mine, others = two_calls_of_ideas
    response = client.get(
        reverse("wagtailsnippets_projects_idea:list"), {"call": call.pk, "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="idees.csv"'
    content = csv_text(response)
    rows = csv_rows(content)
    assert sorted(row["Numéro"] for row in rows) == sorted(str(idea.pk) for idea in mine)
    assert {row["Appel"] for row in rows} == {"Transitions 2026"}
    recyclerie = next(row for row in rows if row["Titre"] == "Recyclerie")
    assert recyclerie["Courriel"] == "camille@example.org"
    assert recyclerie["Téléphone"] == "+33 3 84 00 00 00"  # a phone number stays as is
    assert recyclerie["Statut"] == "retenue"
    assert recyclerie["Thème"] == "Transition écologique" and recyclerie["Commune"] == "Morez"
    assert "Navette" not in content and "Dominique Autre" not in content
    # Cells that a spreadsheet would run as formulas are neutralised.
    formula = next(row for row in rows if row["Nom"] == "'@Robot")
    assert formula["Titre"].startswith("'=HYPERLINK")


def test_xlsx_export_of_a_call_holds_its_ideas_only(client, staff, call, two_calls_of_ideas):
    mine, _others = two_calls_of_ideas
    response = client.get(
        reverse("wagtailsnippets_projects_idea:list"), {"call": call.pk, "export": "xlsx"}
    )
    assert response.status_code == 200
    assert "idees.xlsx" in response["Content-Disposition"]
    header, rows = xlsx_table(response)
    assert header[:4] == ["Numéro", "Appel", "Reçue le", "Titre"]
    assert sorted(row[0] for row in rows) == sorted(idea.pk for idea in mine)
    assert {row[1] for row in rows} == {"Transitions 2026"}
    values = [value for row in rows for value in row]
    assert "Navette" not in values and "Dominique Autre" not in values
    assert "camille@example.org" in values


def test_the_ideas_export_reads_as_the_listing_in_french(client, staff, call, two_calls_of_ideas):
    recyclerie = two_calls_of_ideas[0][0]
    received = datetime.datetime(2026, 1, 15, 13, 5, 42, 123456, tzinfo=datetime.UTC)
    Idea.objects.filter(pk=recyclerie.pk).update(
        created_at=received, is_published=True, consent_contact=False
    )
    url = reverse("wagtailsnippets_projects_idea:list")

    listing = client.get(url, {"call": call.pk}).text
    rows = csv_rows(client.get(url, {"call": call.pk, "export": "csv"}))
    sheet = xlsx_rows(client.get(url, {"call": call.pk, "export": "xlsx"}))

    row = next(row for row in rows if row["Titre"] == "Recyclerie")
    cells = next(cells for cells in sheet if cells["Titre"] == "Recyclerie")
    assert "15/01/2026 14:05" in listing, "the listing shows Paris time, to the minute"
    assert row["Reçue le"] == "15/01/2026 14:05", "the same text in the CSV"
    assert cells["Reçue le"] == datetime.datetime(2026, 1, 15, 14, 5, 42), "and in the XLSX"
    assert (row["Publiée"], row["Accepte d'être recontacté·e"]) == ("oui", "non")
    assert row["Statut"] == "retenue" == cells["Statut"]
    assert row["Implication souhaitée"] == recyclerie.get_involvement_display()
    assert list(row) == list(cells), "the same columns in CSV and XLSX"


def test_export_needs_a_staff_login(client, call, two_calls_of_ideas):
    response = client.get(
        reverse("wagtailsnippets_projects_idea:list"), {"call": call.pk, "export": "csv"}
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_received_ideas_figure_skips_duplicates_and_examples(call):
    original = IdeaFactory(call=call)
    IdeaFactory(call=call, duplicate_of=original)
    IdeaFactory(call=call, is_example=True)
    IdeaFactory(call=call)
    source = figures.get("ideas")
    assert source.label == "Idées reçues sur le site"
    assert source.count() == 2


def test_staff_see_an_email_that_could_not_be_sent(client, staff, call):
    failed = IdeaFactory(call=call, title="Idée au courriel perdu")
    IdeaFactory(call=call, title="Idée sans souci")
    OutboxEmail.objects.create(
        about=failed,
        kind="projects.idea_acknowledgement",
        to=failed.email,
        subject="Votre idée a bien été reçue",
        body_text="Bonjour",
        state=OutboxEmail.State.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    listing = client.get(
        reverse("wagtailsnippets_projects_idea:list"), {"email_failed": "true", "call": call.pk}
    ).content.decode()
    assert "Idée au courriel perdu" in listing and "Idée sans souci" not in listing
    page = html.unescape(client.get(edit_url(failed)).content.decode())
    assert "abandonné après plusieurs essais" in page
    assert "6 essais" in page and "SMTPServerDisconnected" in page
