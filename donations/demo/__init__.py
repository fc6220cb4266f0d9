"""Demo content of the donations app: the impulsion fund's campaign page at
/fonds-impulsion/ (its text from the 2021 general assembly), and one example
commitment of the fund so the public ledger shows how it reads."""

import datetime

from django.db import transaction

from donations.models import Allocation, DonationPage
from home.demo.content import ensure_child, rich
from home.models import StandardPage
from projects.models import ProjectPage

SLUG = "fonds-impulsion"
TITLE = "Le fonds d'impulsion"
INTRO = (
    "Un fonds pour financer l'expérimentation des projets du territoire, "
    "alimenté par une philanthropie de territoire."
)
STORY = [
    ("heading", {"text": "Combler un trou dans la raquette", "level": "h2"}),
    (
        "paragraph",
        rich(
            "L'assemblée générale des associés a décidé la création d'un fonds d'impulsion. "
            "Il vient compléter les trois autres modes de financement des activités du "
            "Clus'Ter Jura : les parts sociales détenues par chaque coopérateur, les titres "
            "participatifs et le compte courant d'associés.",
            "Son objet : financer l'expérimentation de projets, ce moment fragile où une idée "
            "doit faire ses preuves avant de trouver ses financements habituels.",
        ),
    ),
    (
        "quote",
        {
            "text": (
                "Il s'agit de combler un trou dans la raquette par une innovation très attendue "
                "dans le secteur entrepreneurial qui permettra de financer l'expérimentation de "
                "projets par une philanthropie de territoire. Sous forme de mécénat entrepreneurial."
            ),
            "attribution": "Matthieu Grosset, président du Clus'Ter Jura",
        },
    ),
    ("heading", {"text": "Qui peut y contribuer ?", "level": "h2"}),
    (
        "paragraph",
        rich(
            "Les particuliers et les entreprises du territoire, une fois ou chaque mois. "
            "Chaque don est affecté à l'expérimentation de projets accompagnés par le cluster.",
        ),
    ),
]


def load(home) -> int:
    """Create what is missing; return how many pages were created."""
    created = 0
    with transaction.atomic():
        _replace_standard_page(home)
        page, was_created = ensure_child(
            home,
            DonationPage,
            SLUG,
            title=TITLE,
            intro=INTRO,
            story=STORY,
            show_in_menus=True,
            goal_cents=5_000_000,
            thank_you=rich(
                "Merci ! Votre don finance l'expérimentation de projets nés sur le territoire. "
                "Vous recevrez votre reçu par courriel dès la confirmation du paiement."
            ),
        )
        created += was_created
        _example_allocation()
    return created


def _replace_standard_page(home) -> None:
    """Sites built before the donations app have a standard page at /fonds-impulsion/:
    it gives way to the campaign page, its text becoming the campaign's story."""
    old = home.get_children().filter(slug=SLUG).type(StandardPage).first()
    if old is None:
        return
    old = old.specific
    body = old.body.raw_data if old.body else STORY
    title, intro, in_menu = old.title, old.intro or INTRO, old.show_in_menus
    old.delete()
    ensure_child(
        home,
        DonationPage,
        SLUG,
        title=title,
        intro=intro,
        story=body,
        show_in_menus=in_menu,
    )


def _example_allocation() -> None:
    if Allocation.objects.exists():
        return
    project = ProjectPage.objects.filter(slug="ressourcerie-petite-montagne").first()
    if project is None:
        return
    Allocation.objects.create(
        project=project,
        title="Exemple de démonstration : tester la collecte en déchèterie",
        description=(
            "Engagement fictif du contenu de démonstration : six mois de collecte à l'essai, "
            "avant de chercher les financements habituels."
        ),
        decided_on=datetime.date(2025, 3, 1),
        committed_cents=800_000,
        paid_cents=400_000,
        last_paid_on=datetime.date(2025, 6, 1),
    )
