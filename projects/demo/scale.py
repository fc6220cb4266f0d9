"""The projects app's part of the benchmark's large site (`load_demo_content --scale N`,
see home/demo/scale.py): 10 N projects with themes, communes, a status and an image,
and 200 N ideas sent to the demo calls, a tenth of them published."""

import datetime
import random

from django.utils import timezone

from home.demo.scale import PREFIX, bulk_add_children, existing, images, phrase
from projects.models import (
    CallForIdeasPage,
    Commune,
    Idea,
    ProjectIndexPage,
    ProjectPage,
    ProjectStatus,
    Theme,
)

PROJECTS_PER_SCALE = 10
IDEAS_PER_SCALE = 200
IDEA_EMAIL_DOMAIN = "@echelle.exemple"


def load(home, scale: int) -> dict[str, int]:
    return {"projets": load_projects(home, scale), "idées": load_ideas(scale)}


def load_projects(home, scale: int) -> int:
    index = ProjectIndexPage.objects.child_of(home).first()
    if index is None:
        return 0
    have = existing(ProjectPage, index)
    wanted = PROJECTS_PER_SCALE * scale
    if have >= wanted:
        return 0
    themes = list(Theme.objects.all())
    communes = list(Commune.objects.order_by("pk")[:60])
    statuses = list(ProjectStatus.objects.all())
    pictures = images()
    rng = random.Random(have)  # noqa: S311 (demo text, not a secret)
    pages = []
    for number in range(have, wanted):
        title, sentence = phrase(rng)
        pages.append(
            ProjectPage(
                title=f"{title} ({number + 1})",
                slug=f"{PREFIX}projet-{number + 1:05d}",
                summary=sentence,
                hero_image=pictures[number % len(pictures)],
                hero_image_alt="",
                body=[("paragraph", f"<p>{sentence}</p>")],
                sector="Économie circulaire",
                status=statuses[number % len(statuses)] if statuses else None,
                jobs_created=number % 4,
                start_date=datetime.date(2017, 1, 1) + datetime.timedelta(days=number * 5),
                is_example=True,
            )
        )
    bulk_add_children(index, pages)
    theme_links = ProjectPage.themes.through
    commune_links = ProjectPage.communes.through
    if themes:
        theme_links.objects.bulk_create(
            [
                theme_links(projectpage_id=page.pk, theme_id=themes[i % len(themes)].pk)
                for i, page in enumerate(pages)
            ]
        )
    if communes:
        commune_links.objects.bulk_create(
            [
                commune_links(projectpage_id=page.pk, commune_id=communes[i % len(communes)].pk)
                for i, page in enumerate(pages)
            ]
        )
    return len(pages)


def load_ideas(scale: int) -> int:
    calls = list(CallForIdeasPage.objects.live().order_by("pk"))
    if not calls:
        return 0
    have = Idea.objects.filter(email__endswith=IDEA_EMAIL_DOMAIN).count()
    wanted = IDEAS_PER_SCALE * scale
    themes = list(Theme.objects.all()) or [None]
    rng = random.Random(have)  # noqa: S311 (demo text, not a secret)
    now = timezone.now()
    ideas = []
    for number in range(have, wanted):
        title, sentence = phrase(rng)
        call = calls[number % len(calls)]
        ideas.append(
            Idea(
                call=call,
                title=title,
                description=sentence,
                theme=themes[number % len(themes)],
                involvement=Idea.Involvement.CONTRIBUTE,
                name=f"Personne {number + 1}",
                email=f"personne-{number + 1}{IDEA_EMAIL_DOMAIN}",
                consent_processing=True,
                status=Idea.Status.RECEIVED,
                # A tenth are published on their call's page, as staff would.
                is_published=number % 10 == 0,
            )
        )
    created = Idea.objects.bulk_create(ideas, batch_size=1000)
    # Spread over the last years rather than all "now" (auto_now_add).
    for offset, idea in enumerate(created):
        idea.created_at = now - datetime.timedelta(hours=7 * (offset + have))
    Idea.objects.bulk_update(created, ["created_at"], batch_size=1000)
    return len(created)
