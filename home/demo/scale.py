"""A large site for the benchmark: `manage.py load_demo_content --scale N`.

On top of the demo site, scale N adds 40 N news items (here), and through each app's
`demo.scale.load(home, scale)`: 10 N projects and 200 N ideas (projects), 100 N paid
gifts (donations). N=50 gives 2,000 news, 500 projects, 10,000 ideas, 5,000 gifts.

Rows are inserted in bulk: pages too, with their tree paths computed here (Wagtail
saves a page one query at a time, with a revision, its search entry and its
references: minutes for thousands). The pages are published without revisions, and
their search entries are written in bulk. Generated items are named `echelle-…`: a
second run adds only what is missing to reach N, so it is idempotent and can grow a
site from one scale to a larger one.
"""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.demo import app_loaders
from home.demo.images import ensure_image
from home.models import HomePage, NewsIndexPage, NewsPage

PREFIX = "echelle-"
NEWS_PER_SCALE = 40
BATCH = 500

WORDS = {
    "what": [
        "une ressourcerie",
        "un atelier vélo",
        "une épicerie coopérative",
        "un tiers-lieu",
        "une filière bois",
        "une légumerie",
        "un réseau de covoiturage",
        "une conserverie",
        "un fab lab",
        "une recyclerie de chantier",
    ],
    "where": [
        "Saint-Claude",
        "Morez",
        "Lons-le-Saunier",
        "Orgelet",
        "Champagnole",
        "Moirans-en-Montagne",
        "Conliège",
        "Clairvaux-les-Lacs",
        "Arinthod",
        "Poligny",
    ],
    "why": [
        "la transition écologique du territoire",
        "l'emploi local",
        "le réemploi des matériaux",
        "les circuits courts",
        "la mobilité sans voiture",
        "la transition énergétique des communes",
        "le lien entre habitants",
    ],
}


def phrase(rng: random.Random) -> tuple[str, str]:
    """A title and a sentence about a local project, in French."""
    what, where, why = (rng.choice(WORDS[key]) for key in ("what", "where", "why"))
    title = f"{what[0].upper()}{what[1:]} à {where}"
    sentence = (
        f"Les habitants et les entreprises de {where} imaginent {what} pour {why} : "
        "un projet accompagné par le Clus'Ter Jura, des premières idées aux ateliers."
    )
    return title, sentence


def images() -> list:
    """The demo's drawn images, shared by the generated pages (renditions made once)."""
    return [
        ensure_image("Collines du Jura", "Illustration : collines boisées du Jura.", "forest"),
        ensure_image("Lac du Jura", "Illustration : un lac entre deux crêtes.", "lake"),
        ensure_image("Prairie", "Illustration : une prairie en fleurs.", "meadow"),
        ensure_image("Atelier", "Illustration : un atelier en terre cuite.", "clay"),
    ]


def existing(model, parent: Page) -> int:
    return model.objects.child_of(parent).filter(slug__startswith=PREFIX).count()


def bulk_add_children(parent: Page, pages: list[Page], *, published_at=None) -> list[Page]:
    """Insert `pages` (unsaved, of one specific model, with title and slug) as the last
    children of `parent`, live, in a few queries per batch; then index them for search."""
    if not pages:
        return []
    model = type(pages[0])
    parent = Page.objects.get(pk=parent.pk)
    last = parent.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    content_type = ContentType.objects.get_for_model(model)
    now = published_at or timezone.now()
    base_fields = [f for f in Page._meta.concrete_fields if f.name != "id"]
    own_fields = list(model._meta.local_concrete_fields)
    for batch_start in range(0, len(pages), BATCH):
        batch = pages[batch_start : batch_start + BATCH]
        for page in batch:
            step += 1
            page.depth = parent.depth + 1
            page.path = Page._get_path(parent.path, page.depth, step)
            page.numchild = 0
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.live = True
            page.has_unpublished_changes = False
            page.draft_title = page.title
            page.content_type = content_type
            page.locale_id = parent.locale_id
            page.first_published_at = page.first_published_at or now
            page.last_published_at = page.first_published_at
            page.latest_revision_created_at = None
        bases = [
            Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in batch
        ]
        Page.objects.bulk_create(bases)
        for page, base in zip(batch, bases, strict=True):
            page.pk = page.page_ptr_id = base.pk
        # Django's bulk_create refuses models with a parent table: the page rows are in,
        # their own table takes the same ids.
        model._base_manager._insert(batch, fields=own_fields, using=connection.alias)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    backend = get_search_backend()
    for batch_start in range(0, len(pages), BATCH):
        backend.add_bulk(model, pages[batch_start : batch_start + BATCH])
    return pages


def load_news(home: HomePage, scale: int) -> int:
    index = NewsIndexPage.objects.child_of(home).first()
    if index is None:
        return 0
    wanted = NEWS_PER_SCALE * scale
    have = existing(NewsPage, index)
    pictures = images()
    rng = random.Random(have)  # noqa: S311 (demo text, not a secret)
    pages = []
    for number in range(have, wanted):
        title, sentence = phrase(rng)
        day = datetime.date(2016, 1, 1) + datetime.timedelta(days=number % 3650)
        pages.append(
            NewsPage(
                title=f"{title} ({number + 1})",
                slug=f"{PREFIX}actualite-{number + 1:05d}",
                date=day,
                intro=sentence,
                image=pictures[number % len(pictures)],
                body=[("paragraph", f"<p>{sentence}</p>"), ("paragraph", f"<p>{sentence}</p>")],
                first_published_at=timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(9))
                ),
            )
        )
    bulk_add_children(index, pages)
    return len(pages)


def load(scale: int, out=None) -> dict[str, int]:
    """Bring the demo site to `scale` (see the module docstring); returns what was added."""
    home = HomePage.objects.first()
    if home is None:
        raise LookupError("Load the demo site first (manage.py load_demo_content).")
    added = {}
    with transaction.atomic():
        added["actualités"] = load_news(home, scale)
        for loader in app_loaders("demo.scale"):
            added.update(loader(home, scale))
    return added
