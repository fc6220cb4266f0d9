"""The demo site, built from the general-assembly article (home/demo/ag-2021-article.txt).

Every step looks for what it would create first, so loading twice changes nothing
and never overwrites what staff have edited.
"""

import datetime
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from home import figures
from home.demo import app_loaders
from home.demo.images import ensure_image
from home.models import (
    HomePage,
    HomePageFeaturedPage,
    KeyFigure,
    NewsIndexPage,
    NewsPage,
    OrganisationSettings,
    StandardPage,
)
from home.site_address import follow_base_url

ARTICLE = Path(__file__).with_name("ag-2021-article.txt")

KEY_FIGURES = [
    # label, qualifier, offset (history before the site), source key registered by an app
    ("idées de projets captées", "plus de", 130, "ideas"),
    # The four past demo workshops (projects/demo_content.py) are among the 71 held since 2016.
    ("ateliers thématiques organisés", "", 67, "workshops"),
    # The two demo project stories are among the 22 projects seeded since 2016.
    ("projets amorcés", "", 20, "projects"),
    ("réunions de travail", "plus de", 200, ""),
    ("acteurs locaux mobilisés", "plus de", 3000, ""),
    ("emplois créés", "près de", 50, "jobs"),
]


def rich(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def ensure_child(parent: Page, model, slug: str, **fields):
    """The child page with this slug, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def article_paragraphs() -> list[str]:
    return [
        line.strip() for line in ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    created = {"pages": 0}

    def note(page_and_flag):
        page, was_created = page_and_flag
        created["pages"] += int(was_created)
        return page

    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        hero = ensure_image(
            "Collines du Jura",
            "Illustration : collines boisées du Jura au-dessus d'un lac, sous un soleil doré.",
            "forest",
        )
        home = note(
            ensure_child(
                root,
                HomePage,
                "accueil",
                title="Accueil",
                hero_title="Ensemble, faisons naître les activités de demain dans le Jura",
                hero_intro=(
                    "Depuis 2016, le Clus'Ter Jura rassemble les acteurs du territoire pour révéler "
                    "de nouvelles opportunités économiques au service des transitions écologiques, "
                    "économiques et sociales, et accélérer leur émergence."
                ),
                hero_image=hero,
                purpose_title="Notre raison d'être",
                purpose=rich(
                    "Le Clus'Ter Jura est une SCIC, une société coopérative d'intérêt collectif. "
                    "Il tisse un maillage coopératif d'acteurs dont la finalité est l'éclosion "
                    "d'activités économiques pérennes au service des transitions du territoire.",
                    "Les idées sont captées auprès des habitants, des entreprises et des collectivités, "
                    "travaillées en ateliers thématiques, puis accompagnées jusqu'à devenir des projets.",
                ),
            )
        )
    # Point the default site at the home page and remove Wagtail's welcome page.
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Clus'Ter Jura",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Clus'Ter Jura"
        site.save()
        if old_root.depth == 2 and old_root.content_type.model == "page" and old_root.pk != home.pk:
            old_root.delete()
    # The site's address is BASE_URL's, not Wagtail's `localhost` (home.site_address).
    follow_base_url()

    if not home.key_figures.exists():
        for order, (label, qualifier, offset, source) in enumerate(KEY_FIGURES):
            KeyFigure.objects.create(
                page=home,
                sort_order=order,
                label=label,
                qualifier=qualifier,
                offset=offset,
                source=source if figures.get(source) else "",
            )

    news_index = note(
        ensure_child(
            home,
            NewsIndexPage,
            "actualites",
            title="Actualités",
            intro="La vie du Clus'Ter Jura : assemblées, ateliers, projets qui naissent sur le territoire.",
            show_in_menus=True,
        )
    )
    paragraphs = article_paragraphs()
    note(
        ensure_child(
            news_index,
            NewsPage,
            "assemblee-generale-2021-fonds-impulsion",
            title="Assemblée générale : le Clus'Ter Jura crée un fonds d'impulsion",
            date=datetime.date(2021, 6, 24),
            intro=(
                "Réunis à Conliège, les associés ont adopté à l'unanimité les rapports de l'année "
                "et travaillé sur la raison d'être du cluster, ses orientations 2021-2026 et la "
                "création d'un fonds d'impulsion financé par une philanthropie de territoire."
            ),
            image=ensure_image(
                "Assemblée générale 2021",
                "Illustration : un lac du Jura entre deux crêtes boisées.",
                "lake",
            ),
            body=_article_body(paragraphs),
        )
    )
    # The impulsion fund's campaign page comes from the donations app (donations/demo/).
    for slug, title, intro, body in LEGAL_PAGES:
        note(ensure_child(home, StandardPage, slug, title=title, intro=intro, body=body))

    org = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    if not org.contact_email:
        org.address = "Groupe Demain\n39570 Conliège"
        org.contact_email = "contact@clusterjura.fr"
        org.staff_notification_email = "equipe@clusterjura.fr"
        org.legal_notice_page = home.get_children().get(slug="mentions-legales")
        org.privacy_page = home.get_children().get(slug="confidentialite")
        org.accessibility_page = home.get_children().get(slug="accessibilite")
        org.save()

    # Pages of the other apps, from their own demo packages (home imports none of them).
    for loader in app_loaders():
        created["pages"] += loader(home)
    _link_home(home)
    return created


def _link_home(home: HomePage) -> None:
    """Calls to action and featured projects, once the pages they point to exist."""
    home = HomePage.objects.get(pk=home.pk)
    changed = False
    if not home.calls_to_action:
        targets = [
            ("appels-a-idees", "Proposer une idée", "Une idée pour le territoire ?"),
            ("fonds-impulsion", "Soutenir le fonds d'impulsion", "Financer l'expérimentation"),
            ("projets", "Découvrir les projets", "Ce qui est né du cluster"),
            ("extranet", "Accéder à l'extranet", "Espace des associés"),
        ]
        children = {page.slug: page for page in home.get_children()}
        home.calls_to_action = [
            (
                "call_to_action",
                {"text": text, "button_label": label, "page": children[slug], "url": ""},
            )
            for slug, label, text in targets
            if slug in children
        ]
        changed = bool(home.calls_to_action)
    if not home.featured_pages.exists():
        projects = Page.objects.descendant_of(home).filter(
            slug__in=["atelier-textile-jurassien", "ensemble-bi-eau"]
        )
        for order, page in enumerate(projects.order_by("title")):
            home.featured_pages.add(HomePageFeaturedPage(page=page, sort_order=order))
            changed = True
    if changed:
        home.save_revision().publish()


def link_key_figures(home: HomePage, targets: dict[str, Page]) -> None:
    """Each computed figure links to its list (targets: source key -> page),
    unless staff already chose a page."""
    home = HomePage.objects.get(pk=home.pk)
    key_figures = list(home.key_figures.all())
    changed = False
    for figure in key_figures:
        if figure.link_page_id is None and figure.source in targets:
            figure.link_page = targets[figure.source]
            changed = True
    if changed:
        home.key_figures = key_figures
        home.save_revision().publish()


def _article_body(paragraphs: list[str]):
    """The article, its three questions as headings, the president's words as a quote."""
    body = []
    for text in paragraphs:
        stripped = text.lstrip("-–— ").strip()
        if stripped.endswith("?"):
            body.append(("heading", {"text": stripped.rstrip(" ?") + " ?", "level": "h2"}))
        elif "«" in stripped:
            before, _, rest = stripped.partition("«")
            quote, _, _after = rest.partition("»")
            body.append(("paragraph", rich(before.strip())))
            body.append(
                ("quote", {"text": quote.strip(), "attribution": "Matthieu Grosset, président"})
            )
        else:
            body.append(("paragraph", rich(stripped)))
    return body


LEGAL_PAGES = [
    (
        "mentions-legales",
        "Mentions légales",
        "Qui édite ce site, qui l'héberge, et comment nous joindre.",
        [
            ("heading", {"text": "Éditeur", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Clus'Ter Jura, SCIC (société coopérative d'intérêt collectif). "
                    "Siège : Groupe Demain, 39570 Conliège. Directeur de la publication : le président "
                    "du Clus'Ter Jura. Contact : contact@clusterjura.fr.",
                ),
            ),
            ("heading", {"text": "Hébergement", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Le site est hébergé en France ; les coordonnées de l'hébergeur sont "
                    "communiquées sur simple demande à l'adresse de contact.",
                ),
            ),
            ("heading", {"text": "Propriété intellectuelle", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Les textes et illustrations de ce site appartiennent au Clus'Ter Jura ou à leurs "
                    "auteurs. Toute reproduction demande leur accord préalable.",
                ),
            ),
        ],
    ),
    (
        "confidentialite",
        "Politique de confidentialité",
        "Quelles données nous recueillons, pourquoi, combien de temps, et vos droits.",
        [
            ("heading", {"text": "Données recueillies", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Quand vous proposez une idée, vous inscrivez à un atelier ou faites un don, nous "
                    "recueillons les informations du formulaire (nom, courriel, et ce que vous choisissez "
                    "d'ajouter). Elles servent uniquement à traiter votre demande et, si vous l'avez "
                    "accepté, à vous tenir informé.",
                ),
            ),
            ("heading", {"text": "Aucun traceur, aucun service tiers", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Ce site n'utilise ni traceur publicitaire, ni outil de mesure d'audience tiers, ni "
                    "police ou script chargé depuis un autre site. Seul un cookie de session technique "
                    "est déposé lorsque vous remplissez un formulaire.",
                ),
            ),
            ("heading", {"text": "Durée de conservation", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Les données liées à une idée ou à une inscription sont conservées trois ans après le "
                    "dernier contact, puis supprimées. Les données liées aux dons sont conservées "
                    "pendant la durée exigée par la loi comptable.",
                ),
            ),
            ("heading", {"text": "Vos droits", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Vous pouvez accéder à vos données, les rectifier, les effacer ou vous opposer à leur "
                    "traitement en écrivant à contact@clusterjura.fr. Vous pouvez aussi saisir la CNIL.",
                ),
            ),
        ],
    ),
    (
        "accessibilite",
        "Déclaration d'accessibilité",
        "Le Clus'Ter Jura s'engage à rendre son site accessible à toutes et tous.",
        [
            ("heading", {"text": "État de conformité", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Ce site vise la conformité au RGAA 4 (référentiel général d'amélioration de "
                    "l'accessibilité), qui reprend les WCAG 2.1 niveau AA. Chaque page principale est "
                    "vérifiée automatiquement avec axe-core à chaque modification du site ; un audit "
                    "complet reste à conduire.",
                ),
            ),
            ("heading", {"text": "Signaler un défaut", "level": "h2"}),
            (
                "paragraph",
                rich(
                    "Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez-nous à "
                    "contact@clusterjura.fr : nous vous répondrons et vous fournirons l'information sous "
                    "une autre forme. Vous pouvez aussi saisir le Défenseur des droits.",
                ),
            ),
        ],
    ),
]
