"""An idea is never lost to a mail server: stored first, emailed after commit, retried on failure."""

import datetime
import io
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import tests.home.test_tasks as tests_home_tasks
from projects import tasks
from projects.ideas_services import submit_idea
from projects.models import Idea
from projects.models.ideas import IdeaEmail
from tests.projects.factories import (
    CallForIdeasPageFactory,
)


class FlakyMailer(LocmemBackend):
    """A mail server that refuses the first `failures` messages, then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakyMailer.failures > 0:
            FlakyMailer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


FLAKY = {"default": {"BACKEND": "tests.projects.test_ideas_emails.FlakyMailer"}}
DEFERRING_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def call(index):
    return CallForIdeasPageFactory(parent=index)


@pytest.fixture
def flaky():
    FlakyMailer.failures = 0
    with override_settings(MAILERS=FLAKY):
        yield FlakyMailer
    FlakyMailer.failures = 0


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


_start = {}


@pytest.fixture(autouse=True)
def _test_start():
    _start["now"] = timezone.now()


def later(minutes):
    """A clock `minutes` after the start of the test, for monkeypatching timezone.now."""
    moment = _start["now"] + datetime.timedelta(minutes=minutes)
    return lambda: moment


def test_transient_failure_is_retried_later_by_the_task_itself(
    call, flaky, monkeypatch, django_capture_on_commit_callbacks
):
    """With a backend that can defer (the database backend in production), the task
    queues its own retry after a delay."""
    flaky.failures = 1
    with override_settings(TASKS=DEFERRING_TASKS):
        backend = task_backends["default"]
        with django_capture_on_commit_callbacks(execute=True):
            idea = submit(call)
        assert Idea.objects.filter(pk=idea.pk).exists()  # stored whatever happens next
        queued = [r for r in backend.results if r.task.func == tasks.send_idea_email.func]
        assert [list(result.args) for result in queued] == [
            [email.pk] for email in IdeaEmail.objects.order_by("pk")
        ]

        # The worker runs both: the first meets the failing server.
        outcomes = [result.task.call(*result.args) for result in queued]
        assert outcomes == ["retry", "sent"]
        failed = IdeaEmail.objects.get(attempts=1, state=IdeaEmail.State.PENDING)
        assert "SMTPServerDisconnected" in failed.last_error
        retry = [r for r in backend.results if r.task.func == tasks.send_idea_email.func][-1]
        assert list(retry.args) == [failed.pk]
        assert retry.task.run_after == failed.next_attempt_at
        assert failed.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=50)

        # Too early, nothing happens; once due, it is sent.
        assert retry.task.call(*retry.args) == "skipped"
        monkeypatch.setattr(timezone, "now", later(2))
        assert retry.task.call(*retry.args) == "sent"

    failed.refresh_from_db()
    assert failed.state == IdeaEmail.State.SENT and failed.attempts == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "equipe@example.org",
    ]


def test_with_the_immediate_backend_the_command_retries_what_is_due(
    call, flaky, monkeypatch, django_capture_on_commit_callbacks
):
    flaky.failures = 2  # both emails fail on the first try
    with django_capture_on_commit_callbacks(execute=True):
        idea = submit(call)
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert not mail.outbox
    assert set(IdeaEmail.objects.values_list("state", "attempts")) == {(IdeaEmail.State.PENDING, 1)}

    call_command("send_idea_emails", stdout=io.StringIO())  # not due yet
    assert not mail.outbox

    monkeypatch.setattr(timezone, "now", later(2))
    call_command("send_idea_emails", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert set(IdeaEmail.objects.values_list("state", flat=True)) == {IdeaEmail.State.SENT}


def test_gives_up_after_the_last_attempt_and_says_so(call, flaky, monkeypatch, caplog):
    flaky.failures = 1000
    idea = submit(call)  # no commit callbacks run: the command does all the sending
    email = IdeaEmail.objects.get(idea=idea, kind=IdeaEmail.Kind.ACKNOWLEDGEMENT)
    minutes = 1
    with caplog.at_level(logging.WARNING, logger="projects.tasks"):
        for _attempt in range(tasks.MAX_ATTEMPTS):
            monkeypatch.setattr(timezone, "now", later(minutes))
            assert tasks.send_idea_email.call(email.pk) in {"retry", "failed"}
            minutes += 13 * 60  # past the longest delay
    email.refresh_from_db()
    assert email.state == IdeaEmail.State.FAILED
    assert email.attempts == tasks.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in email.last_error
    assert any("given up" in record.getMessage() for record in caplog.records)

    # Staff see it on the idea, and can give it a new series of attempts.
    flaky.failures = 0
    call_command("send_idea_emails", "--include-failed", stdout=io.StringIO())
    email.refresh_from_db()
    assert email.state == IdeaEmail.State.SENT


def test_a_queue_that_is_down_delays_the_emails_but_keeps_the_idea(
    call, monkeypatch, django_capture_on_commit_callbacks
):
    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unavailable")

    monkeypatch.setattr(tasks, "send_idea_email", QueueDown())
    with django_capture_on_commit_callbacks(execute=True):
        idea = submit(call)
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert IdeaEmail.objects.filter(state=IdeaEmail.State.PENDING).count() == 2
    monkeypatch.undo()
    call_command("send_idea_emails", stdout=io.StringIO())
    assert len(mail.outbox) == 2


def test_an_email_being_sent_is_not_sent_twice(call):
    idea = submit(call)
    email = IdeaEmail.objects.filter(idea=idea).first()
    assert tasks.send_idea_email.call(email.pk) == "sent"
    assert tasks.send_idea_email.call(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_without_a_staff_address_the_staff_copy_is_skipped_with_a_log(
    call, settings, caplog, django_capture_on_commit_callbacks
):
    from home.models import OrganisationSettings

    organisation = OrganisationSettings.objects.get()
    organisation.staff_notification_email = ""
    organisation.save()
    settings.DEFAULT_FROM_EMAIL = ""
    with (
        caplog.at_level(logging.WARNING, logger="projects.ideas_services"),
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


def test_a_title_on_several_lines_never_breaks_the_subject(call):
    idea = Idea.objects.create(
        call=call,
        title="Ligne un\r\nBcc: victime@example.org",
        description="Une description suffisamment longue pour passer.",
        involvement="informed",
        name="Camille",
        email="camille@example.org",
        consent_processing=True,
    )
    from projects import emails

    email = emails.acknowledgement(idea)
    assert "\n" not in email.subject and "\r" not in email.subject
    email.save()
    assert tasks.send_idea_email.call(email.pk) == "sent"
    assert mail.outbox[0].to == ["camille@example.org"]
    assert "victime@example.org" not in mail.outbox[0].bcc


@override_settings(TASKS=tests_home_tasks.DATABASE_TASKS)
def test_idea_emails_wait_in_the_database_until_the_worker_sends_them(
    index, django_capture_on_commit_callbacks
):
    call = CallForIdeasPageFactory(parent=index)
    with django_capture_on_commit_callbacks(execute=True):
        idea = submit_idea(
            call=call,
            title="Une conserverie à Poligny",
            description="Transformer les surplus des maraîchers en bocaux vendus localement.",
            involvement="lead",
            name="Camille Martin",
            email="camille@example.org",
            consent_processing=True,
            consent_contact=False,
        )
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert mail.outbox == [], "nothing is sent during the request"
    assert DBTaskResult.objects.filter(task_path="projects.tasks.send_idea_email").count() == 2

    tests_home_tasks.run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "equipe@example.org",
    ]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
