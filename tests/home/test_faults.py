"""Faults, for real: PostgreSQL going away under a running app server, and a task
worker killed in the middle of sending an email.

The outage test puts a TCP proxy (tests/servers.py) between a gunicorn app server and
PostgreSQL, cuts it, then restores it, without restarting the app. It always runs on
PostgreSQL (SQLite has no server to lose): the suite's test database when the suite
runs on PostgreSQL (CI), else a database of its own on 127.0.0.1:5432, migrated and
filled with the demo content (`make test` starts PostgreSQL: bin/start-services).
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass

import psycopg
import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from home.models import OutboxEmail
from projects.demo.ideas import OPEN_CALL_SLUG
from tests.conftest import build_demo_site
from tests.donations.stripe_double import StripeDouble
from tests.home.test_concurrency import IDEA_FORM_MIN_SECONDS, FormReader
from tests.home.test_outbox import one_email
from tests.home.test_scale_out import Visitor
from tests.home.test_tasks import DATABASE_TASKS
from tests.servers import (
    ROOT,
    SmtpServer,
    TcpProxy,
    server_environment,
    start_app_server,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": ""}
CALL_PATH = f"/appels-a-idees/{OPEN_CALL_SLUG}/"
UNAVAILABLE = "Le site est momentanément indisponible"


@dataclass
class Database:
    host: str
    port: int
    user: str
    password: str
    name: str

    def url(self, *, port: int | None = None) -> str:
        password = f":{self.password}" if self.password else ""
        return f"postgres://{self.user}{password}@{self.host}:{port or self.port}/{self.name}"

    def count(self, table: str) -> int:
        """Rows in `table`, read directly (not through the proxy)."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@pytest.fixture
def postgres_site(transactional_db):
    """A PostgreSQL database with the demo site, that app servers can reach."""
    if connection.vendor == "postgresql":
        build_demo_site()
        settings = connection.settings_dict
        yield Database(
            host=settings["HOST"] or "127.0.0.1",
            port=int(settings["PORT"] or 5432),
            user=settings["USER"] or "postgres",
            password=settings["PASSWORD"] or "",
            name=settings["NAME"],
        )
        return
    database = Database(**POSTGRES, name=f"clusterjura_test_outage_{os.getpid()}")
    server = Database(**POSTGRES, name="postgres")
    try:
        admin = psycopg.connect(server.url(), autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL ne répond pas sur 127.0.0.1:5432 (`make test` le démarre) : {error}"
        )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database.name}"')
    environ = server_environment(DATABASE_URL=database.url())
    for command in (["migrate", "--noinput"], ["load_demo_content"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    yield database
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


def filled(page, form_field: str, data: dict) -> dict:
    """`data` plus what a person would pick: the first option of each list, every box
    ticked (consents)."""
    reader = FormReader()
    reader.feed(page.text)
    form = next(form for form in reader.forms if form_field in form.names)
    choices = {name: options[0] for name, options in form.selects.items() if options}
    return {**choices, **form.checkboxes, **data}


def idea(page) -> dict:
    return filled(
        page,
        "description",
        {
            "title": "Une ressourcerie à Saint-Claude",
            "description": "Réparer et revendre ce qui est jeté, avec des emplois sur place.",
            "name": "Camille Panne",
            "email": "camille.panne@example.org",
            "commune_other": "Les Bouchoux",  # the first commune proposed is "another one"
        },
    )


def test_a_database_outage_gives_the_french_503_then_the_app_recovers_by_itself(
    postgres_site, tmp_path
):
    database = postgres_site
    before = {
        table: database.count(table)
        for table in ("projects_idea", "donations_donation", "home_outboxemail")
    }
    proxy = TcpProxy(database.host, database.port).start()
    with StripeDouble() as stripe:
        app = start_app_server(
            "outage",
            tmp_path,
            workers=2,
            DATABASE_URL=database.url(port=proxy.port),
            STRIPE_SECRET_KEY="sk_test_outage",
            STRIPE_WEBHOOK_SECRET="whsec_outage",
            STRIPE_API_BASE=stripe.url,
        )
        try:
            visitor = Visitor()
            # Forms read while the database is up, sent while it is down.
            call_page = visitor.get(app.url, CALL_PATH)
            gift_page = visitor.get(app.url, "/fonds-impulsion/")
            assert call_page.status == gift_page.status == 200
            time.sleep(IDEA_FORM_MIN_SECONDS)

            proxy.cut()
            page = visitor.get(app.url, "/projets/")
            assert page.status == 503
            assert UNAVAILABLE in page.text
            assert page.headers["Retry-After"] == "60"
            assert "no-store" in page.headers["Cache-Control"]
            assert "5432" not in page.text and "psycopg" not in page.text
            health = visitor.get(app.url, "/health/")
            assert health.status == 503 and '"database": "indisponible"' in health.text

            submitted = visitor.post_form_from(
                app.url, call_page, idea(call_page), form_field="description"
            )
            assert submitted.status == 503 and UNAVAILABLE in submitted.text
            checkout = visitor.post_form_from(
                app.url,
                gift_page,
                filled(
                    gift_page,
                    "email",
                    {
                        "first_name": "Camille",
                        "last_name": "Panne",
                        "email": "camille.panne@example.org",
                        "postal_code": "39200",
                        "city": "Saint-Claude",
                        "address_line1": "1 rue du Pré",
                    },
                ),
                form_field="email",
            )
            assert checkout.status == 503 and UNAVAILABLE in checkout.text
            assert stripe.sessions == {}, "no payment started for a gift that was not recorded"

            # The database is back: the same processes answer again, nothing restarted.
            proxy.restore()
            wait_until(
                lambda: visitor.get(app.url, "/health/").status == 200, "no recovery", app, 30
            )
            for path in ("/", "/projets/", "/fonds-impulsion/", CALL_PATH, "/actualites/"):
                assert visitor.get(app.url, path).status == 200, path
            assert app.popen.poll() is None

            # Nothing half-written by the requests that failed...
            after = {table: database.count(table) for table in before}
            assert after == before
            # ... and the form works again.
            form_page = visitor.get(app.url, CALL_PATH)
            time.sleep(IDEA_FORM_MIN_SECONDS)
            sent = visitor.post_form_from(
                app.url, form_page, idea(form_page), form_field="description"
            )
            assert sent.status == 302, re.findall(r'<li><a href="#[^"]*">[^<]*', sent.text)
            assert database.count("projects_idea") == before["projects_idea"] + 1
        finally:
            app.stop()
            proxy.stop()


def test_a_worker_killed_mid_send_is_relieved_and_the_email_goes_out_once(
    transactional_db, tmp_path
):
    """The first worker dies (SIGKILL) while the mail server has not yet accepted the
    email: its task stays "running" for ever, but the follow-up it queued at the end of
    its lease runs on the next worker, which sends the email, once."""
    smtp = SmtpServer(stall=1).start()
    environ = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "TEST_OUTBOX_LEASE_SECONDS": "4",
    }
    with override_settings(TASKS=DATABASE_TASKS):
        email = one_email(to="dominique@example.org", subject="Votre idée a une réponse")
    # The email's task (other tasks, such as the search index's, may be queued too).
    assert (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path__endswith="send_outbox_email"
        ).count()
        == 1
    )

    first = start_worker("worker-1", tmp_path, **environ)
    try:
        wait_until(lambda: smtp.connections >= 1, "the worker never reached the mail server", first)
        first.kill()
    finally:
        first.stop()
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.PENDING and email.attempts == 1
    assert smtp.messages == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1  # orphan

    second = start_worker("worker-2", tmp_path, **environ)
    try:
        wait_until(
            lambda: OutboxEmail.objects.get(pk=email.pk).state == OutboxEmail.State.SENT,
            "the email was never sent",
            second,
            timeout=90,
        )
        # The follow-up the second claim queued runs at the end of its lease too, and
        # finds the email sent: wait for every queued run to be done.
        wait_until(
            lambda: not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists(),
            "the follow-up never ran",
            second,
            timeout=60,
        )
    finally:
        second.stop()
        smtp.stop()
    assert len(smtp.messages) == 1
    message = smtp.messages[0].decode()
    assert "dominique@example.org" in message
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT and email.attempts == 2
