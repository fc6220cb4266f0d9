"""What the idea emails say and to whom (how the outbox sends them: tests/home/test_outbox.py)."""

import logging

import pytest
from django.core import mail

from home.models import OutboxEmail
from projects.services.ideas import submit_idea
from tests.projects.factories import CallForIdeasPageFactory


@pytest.fixture
def call(index):
    return CallForIdeasPageFactory(parent=index)


def submit(call, **fields):
    return submit_idea(
        call=call,
        title=fields.pop("title", "Une ressourcerie à Orgelet"),
        description="Collecter, réparer et revendre ce qui se jette encore trop vite.",
        involvement="lead",
        name="Camille Martin",
        email="camille@example.org",
        consent_processing=True,
        **fields,
    )


def test_without_a_staff_address_the_staff_copy_is_skipped_with_a_log(
    call, settings, caplog, django_capture_on_commit_callbacks
):
    from home.models import OrganisationSettings

    organisation = OrganisationSettings.objects.get()
    organisation.staff_notification_email = ""
    organisation.save()
    settings.DEFAULT_FROM_EMAIL = ""
    with (
        caplog.at_level(logging.WARNING, logger="projects.services.ideas"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(call)
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
    assert any("no staff notification address" in r.getMessage() for r in caplog.records)


def test_staff_address_falls_back_to_the_sender_address(
    call, settings, django_capture_on_commit_callbacks
):
    from home.models import OrganisationSettings

    OrganisationSettings.objects.update(staff_notification_email="")
    settings.DEFAULT_FROM_EMAIL = "Clus'Ter Jura <bonjour@example.org>"
    with django_capture_on_commit_callbacks(execute=True):
        submit(call)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bonjour@example.org",
        "camille@example.org",
    ]


def test_the_acknowledgement_recalls_the_title_never_the_whole_text(call):
    """It goes to an address nobody verified: it must not carry 5,000 characters of
    someone's text to a stranger."""
    submit(call, title="Une ressourcerie à Orgelet")
    email = OutboxEmail.objects.get(kind="projects.idea_acknowledgement")
    assert "Une ressourcerie à Orgelet" in email.body_text
    assert "se jette encore trop vite" not in email.body_text
    assert "se jette encore trop vite" not in email.body_html


def test_links_in_idea_emails_use_the_public_address(call, settings):
    settings.BASE_URL = "https://clusterjura.example"
    submit(call)
    email = OutboxEmail.objects.get(kind="projects.idea_acknowledgement")
    assert f"https://clusterjura.example{call.url}" in email.body_text
    assert "localhost" not in email.body_text + email.body_html
