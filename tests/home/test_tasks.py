"""Background work goes through Django's tasks framework; in production the
django-tasks-db backend keeps each task in the database until `db_worker` runs it.
Wagtail's own tasks (search index, references) share that queue; the idea emails'
path through it is tested in tests/projects/test_ideas_emails.py."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from home.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """`manage.py db_worker --batch` inside the test's transaction.

    Like Django's test client, keep the worker from closing "old" connections: in a
    test transaction, PostgreSQL's connection would look obsolete and be closed."""
    from unittest import mock

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


@override_settings(TASKS=DATABASE_TASKS)
def test_wagtail_indexing_uses_the_same_queue(demo_site, client):
    index = NewsIndexPage.objects.get()
    page = NewsPage(
        title="Atelier sur la filière bois", slug="filiere-bois", intro="Le bois du Jura."
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    assert DBTaskResult.objects.filter(task_path__startswith="modelsearch.tasks").exists()
    assert (
        "Atelier sur la filière bois"
        not in client.get("/recherche/", {"q": "filière bois"}).content.decode()
    )

    run_worker()

    assert (
        "Atelier sur la filière bois"
        in client.get("/recherche/", {"q": "filière bois"}).content.decode()
    )
