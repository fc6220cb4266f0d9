"""The demo taxonomy, declared once: themes, project stages and communes of the Jura."""

from projects.models import Commune, ProjectStatus, Theme

THEMES = [
    # slug, name, description
    (
        "transition-ecologique",
        "Transition écologique",
        "Réemploi, circuits courts, énergie, mobilités : produire et vivre en ménageant le territoire.",
    ),
    (
        "transition-economique",
        "Transition économique",
        "Des activités et des emplois ancrés dans le Jura, portés par ses habitants et ses entreprises.",
    ),
    (
        "transition-sociale",
        "Transition sociale",
        "Coopérer, inclure, rendre les services accessibles à toutes et à tous.",
    ),
]

STATUSES = [
    # slug, name, counts as seeded, seeks people (offers "Rejoindre ce projet")
    ("idee", "Idée", False, True),
    ("en-atelier", "En atelier", False, True),
    ("amorce", "Amorcé", True, False),
    ("lance", "Lancé", True, False),
    ("autonome", "Autonome", True, False),
]

COMMUNES = [
    ("lons-le-saunier", "Lons-le-Saunier", "39000"),
    ("conliege", "Conliège", "39570"),
    ("dole", "Dole", "39100"),
    ("saint-claude", "Saint-Claude", "39200"),
    ("champagnole", "Champagnole", "39300"),
    ("poligny", "Poligny", "39800"),
    ("arbois", "Arbois", "39600"),
    ("morez", "Morez", "39400"),
    ("salins-les-bains", "Salins-les-Bains", "39110"),
    ("orgelet", "Orgelet", "39270"),
]


def ensure() -> tuple[dict, dict, dict]:
    """Themes, statuses and communes by slug, created when missing (existing ones are
    left as staff edited them)."""
    themes = _ensure(Theme, [(s, {"name": n, "description": d}) for s, n, d in THEMES])
    statuses = _ensure(
        ProjectStatus,
        [
            (slug, {"name": name, "counts_as_seeded": seeded, "seeks_people": seeks})
            for slug, name, seeded, seeks in STATUSES
        ],
    )
    communes = _ensure(
        Commune, [(slug, {"name": name, "postal_code": code}) for slug, name, code in COMMUNES]
    )
    return themes, statuses, communes


def _ensure(model, rows):
    """The rows by slug, created when missing (existing ones are left as staff edited them)."""
    items = {}
    for order, (slug, fields) in enumerate(rows):
        item, _created = model.objects.get_or_create(
            slug=slug,
            defaults={**fields, "sort_order": order} if hasattr(model, "sort_order") else fields,
        )
        items[slug] = item
    return items
