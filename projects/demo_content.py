"""Demo projects: the two named in the AG article, as stories under /projets/."""

from home.demo.content import ensure_child, rich
from projects.models import ProjectIndexPage, ProjectPage


def load(home) -> int:
    created = 0
    index, was_created = ensure_child(
        home,
        ProjectIndexPage,
        "projets",
        title="Projets",
        intro="Des idées captées sur le territoire, travaillées en ateliers, devenues des activités.",
        show_in_menus=True,
    )
    created += was_created
    for slug, title, summary, paragraphs in PROJECTS:
        _page, was_created = ensure_child(
            index,
            ProjectPage,
            slug,
            title=title,
            summary=summary,
            body=[("paragraph", rich(*paragraphs))],
        )
        created += was_created
    return created


PROJECTS = [
    (
        "atelier-textile-jurassien",
        "L'atelier textile jurassien",
        "Un atelier de confection installé dans le Jura, né d'une idée captée par le cluster et "
        "qui recrée des emplois dans un savoir-faire local.",
        [
            "L'atelier textile jurassien fait partie des projets dont le Clus'Ter Jura a accompagné "
            "la création : une idée captée sur le territoire, travaillée avec les acteurs locaux, "
            "devenue une activité qui emploie.",
        ],
    ),
    (
        "ensemble-bi-eau",
        "Ensemble Bi'Eau",
        "Une SCIC qui développe les filières biologiques sur le Pays Lédonien et rend ces "
        "produits accessibles aux consommateurs.",
        [
            "La SCIC « Ensemble Bi'Eau » a vocation à développer les filières biologiques sur le "
            "Pays Lédonien et l'accessibilité des consommateurs à ces produits.",
        ],
    ),
]
