"""The site's one outbox: every email is a row written with what caused it, sent by a
background task after commit, retried with backoff, marked sent only once the mail
server accepted it, and visible with its failure in the admin."""

import datetime
import io
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import home.outbox
from home import tasks
from home.models import OutboxEmail
from home.outbox import queue_email
from projects.models import Idea, WorkshopIndexPage, WorkshopRegistration
from projects.services.ideas import submit_idea
from projects.services.workshops import register_for_workshop
from tests.home.test_tasks import DATABASE_TASKS, run_worker
from tests.projects.factories import (
    CallForIdeasIndexPageFactory,
    CallForIdeasPageFactory,
    WorkshopPageFactory,
    ideas_site_settings,
    site_home,
)

pytestmark = pytest.mark.django_db


class FlakyMailer(LocmemBackend):
    """A mail server that refuses the first `failures` messages, then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakyMailer.failures > 0:
            FlakyMailer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


FLAKY = {"default": {"BACKEND": "tests.home.test_outbox.FlakyMailer"}}
# A backend that keeps tasks (with their run_after) without running them, like the
# database backend between two passes of the worker.
DEFERRING_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def flaky():
    FlakyMailer.failures = 0
    with override_settings(MAILERS=FLAKY):
        yield FlakyMailer
    FlakyMailer.failures = 0


@pytest.fixture
def home_page(db):
    home = site_home()
    ideas_site_settings(home)
    return home


@pytest.fixture
def call(home_page):
    index = CallForIdeasIndexPageFactory(parent=home_page, slug="appels-outbox", title="Appels")
    return CallForIdeasPageFactory(parent=index)


_start = {}


@pytest.fixture(autouse=True)
def _test_start():
    _start["now"] = timezone.now()


def later(minutes):
    """A clock `minutes` after the start of the test, for monkeypatching timezone.now."""
    moment = _start["now"] + datetime.timedelta(minutes=minutes)
    return lambda: moment


def one_email(**overrides) -> OutboxEmail:
    fields = {
        "kind": "tests.hello",
        "to": "camille@example.org",
        "subject": "Bonjour",
        "template": "projects/emails/idea_status_changed",
        "context": {"idea": None, "call": None, "call_url": "https://example.org/"},
    }
    return queue_email(**{**fields, **overrides})


def send_tasks(backend) -> list:
    return [r for r in backend.results if r.task.func == tasks.send_outbox_email.func]


def test_an_smtp_failure_is_kept_visible_then_sent_by_the_task_s_own_retry(
    flaky, monkeypatch, django_capture_on_commit_callbacks
):
    flaky.failures = 1
    with override_settings(TASKS=DEFERRING_TASKS):
        backend = task_backends["default"]
        with django_capture_on_commit_callbacks(execute=True):
            email = one_email()
        first = send_tasks(backend)
        assert [list(result.args) for result in first] == [[email.pk]]

        assert first[0].task.call(email.pk) == "retry"
        email.refresh_from_db()
        assert email.state == OutboxEmail.State.PENDING, "a refused email is never 'sent'"
        assert email.attempts == 1
        assert "SMTPServerDisconnected" in email.last_error
        assert not mail.outbox
        retry = send_tasks(backend)[-1]
        assert retry.task.run_after == email.next_attempt_at
        assert email.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=50)

        assert retry.task.call(email.pk) == "skipped", "too early"
        monkeypatch.setattr(timezone, "now", later(2))
        assert retry.task.call(email.pk) == "sent"

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT and email.attempts == 2 and email.sent_at
    assert email.last_error == ""
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]


def test_a_worker_dying_between_send_and_mark_does_not_lose_the_email(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The claim queues a follow-up for the end of the lease: it sends the email again
    (the one duplicate the design allows, inside the crash window)."""

    class WorkerDied(BaseException):
        pass

    def die(email_id):
        raise WorkerDied

    with override_settings(TASKS=DEFERRING_TASKS):
        backend = task_backends["default"]
        with django_capture_on_commit_callbacks(execute=True):
            email = one_email()
        monkeypatch.setattr(tasks, "mark_sent", die)
        with pytest.raises(WorkerDied):
            tasks.send_outbox_email.call(email.pk)
        monkeypatch.undo()
        assert len(mail.outbox) == 1  # the server had accepted it
        email.refresh_from_db()
        assert email.state == OutboxEmail.State.PENDING

        follow_up = send_tasks(backend)[-1]
        assert follow_up.task.run_after == email.next_attempt_at  # the end of the lease
        assert follow_up.task.call(email.pk) == "skipped", "the lease still runs"
        monkeypatch.setattr(timezone, "now", later(tasks.LEASE.total_seconds() / 60 + 1))
        assert follow_up.task.call(email.pk) == "sent"

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT
    assert len(mail.outbox) == 2


def test_gives_up_after_the_last_attempt_and_says_so(flaky, monkeypatch, caplog):
    flaky.failures = 1000
    email = one_email()  # no commit callbacks run: the calls below do all the sending
    minutes = 1
    with caplog.at_level(logging.WARNING, logger="home.tasks"):
        for _attempt in range(tasks.MAX_ATTEMPTS):
            monkeypatch.setattr(timezone, "now", later(minutes))
            assert tasks.send_outbox_email.call(email.pk) in {"retry", "failed"}
            minutes += 13 * 60  # past the longest delay
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.FAILED
    assert email.attempts == tasks.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in email.last_error
    assert any("given up" in record.getMessage() for record in caplog.records)

    flaky.failures = 0
    call_command("send_emails", "--include-failed", stdout=io.StringIO())
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT


def test_the_command_sends_what_is_due_and_only_that(
    flaky, monkeypatch, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        one_email(to="a@example.org")
        one_email(to="b@example.org")
    assert not mail.outbox
    assert set(OutboxEmail.objects.values_list("state", "attempts")) == {("pending", 1)}

    out = io.StringIO()
    call_command("send_emails", stdout=out)  # not due yet
    assert not mail.outbox and "Aucun courriel" in out.getvalue()

    monkeypatch.setattr(timezone, "now", later(2))
    call_command("send_emails", stdout=out)
    assert len(mail.outbox) == 2
    assert "2 envoyés" in out.getvalue()


def test_a_queue_that_is_down_delays_the_email_and_the_next_one_sweeps_it_up(
    monkeypatch, django_capture_on_commit_callbacks
):
    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unavailable")

    monkeypatch.setattr(home.outbox, "send_outbox_email", QueueDown())
    with django_capture_on_commit_callbacks(execute=True):
        stuck = one_email(to="stuck@example.org")
    assert OutboxEmail.objects.get(pk=stuck.pk).state == OutboxEmail.State.PENDING
    monkeypatch.undo()

    monkeypatch.setattr(timezone, "now", later(tasks.LEASE.total_seconds() / 60 + 1))
    with django_capture_on_commit_callbacks(execute=True):
        one_email(to="next@example.org")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "next@example.org",
        "stuck@example.org",
    ]


def test_an_email_is_not_sent_twice():
    email = one_email()
    assert tasks.send_outbox_email.call(email.pk) == "sent"
    assert tasks.send_outbox_email.call(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                one_email()
                raise RuntimeError("the change that caused the email failed")
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.exists()
    assert not mail.outbox


def test_subject_stays_on_one_line_and_attachments_are_sent():
    email = one_email(
        subject="Ligne un\r\nBcc: victime@example.org\x1b[31m",
        attachments=[("reçu.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    assert "\n" not in email.subject and "\r" not in email.subject and "\x1b" not in email.subject
    assert tasks.send_outbox_email.call(email.pk) == "sent"
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"] and not message.bcc
    assert message.attachments[0][0] == "reçu.pdf"
    assert message.attachments[0][1] == b"%PDF-1.4 test"


@override_settings(TASKS=DATABASE_TASKS)
def test_ideas_and_workshop_registrations_both_go_through_the_outbox(
    call, home_page, django_capture_on_commit_callbacks
):
    workshop = WorkshopPageFactory(parent=WorkshopIndexPage.objects.get(), capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        idea = submit_idea(
            call=call,
            title="Une conserverie à Poligny",
            description="Transformer les surplus des maraîchers en bocaux vendus localement.",
            involvement="lead",
            name="Camille Martin",
            email="camille@example.org",
            consent_processing=True,
        )
        registration = register_for_workshop(
            workshop=workshop, name="Dominique Roy", email="dominique@example.org"
        )
    assert mail.outbox == [], "nothing is sent during the request"
    assert set(OutboxEmail.objects.about(idea).values_list("kind", flat=True)) == {
        "projects.idea_acknowledgement",
        "projects.idea_staff_notification",
    }
    assert set(OutboxEmail.objects.about(registration).values_list("kind", flat=True)) == {
        "projects.workshop_confirmed",
        "projects.workshop_staff_notification",
    }
    assert DBTaskResult.objects.filter(task_path="home.tasks.send_outbox_email").exists()

    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "dominique@example.org",
        "equipe@example.org",
        "equipe@example.org",
    ]
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert WorkshopRegistration.objects.filter(pk=registration.pk).exists()
