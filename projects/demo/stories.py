"""Demo content of the projects app: taxonomies, project stories, workshops and their links.

Loaded by `manage.py load_demo_content` through `home.demo`. Every step looks for
what it would create first: loading twice changes nothing, and pages staff have
edited are never overwritten. The two real projects come from the 2021 general
assembly article; only what that article says is filled in for them (no invented
figure). The other projects are fictional examples, flagged `is_example` and
excluded from the key figures.
"""

import datetime

from django.utils import timezone

from home.demo.content import ensure_child, link_key_figures, rich
from home.demo.images import ensure_image
from projects.demo import taxonomy
from projects.models import (
    ProjectGalleryImage,
    ProjectIndexPage,
    ProjectMilestone,
    ProjectPage,
    ProjectPartner,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)

# Past workshops count in the "workshops held" key figure: home.demo.content.KEY_FIGURES
# lowers its offset by as many, so the demo home page reads 71 as in the AG article.
# Their dates are fixed, before the milestones of the example projects born there.
PAST_WORKSHOPS = [
    # slug, title, date, hour, theme, communes, place, address, facilitators, summary
    (
        "mobilites-haut-jura",
        "Mobilités du Haut-Jura : partager la route",
        datetime.date(2023, 11, 16),
        18,
        "transition-sociale",
        ["saint-claude", "morez"],
        "Salle des fêtes de Saint-Claude",
        "Saint-Claude (39200)",
        "Équipe du Clus'Ter Jura",
        "Covoiturage, transport à la demande, vélos à assistance électrique : comment se déplacer "
        "sans voiture individuelle dans les vallées du Haut-Jura ?",
    ),
    (
        "reemploi-economie-circulaire",
        "Réemploi et économie circulaire",
        datetime.date(2023, 5, 11),
        14,
        "transition-ecologique",
        ["orgelet"],
        "Médiathèque d'Orgelet",
        "Orgelet (39270)",
        "Équipe du Clus'Ter Jura",
        "Ce que nous jetons peut devenir une activité locale : collecte, réparation, revente, "
        "et les emplois qui vont avec.",
    ),
    (
        "circuits-courts-cantines",
        "Circuits courts : de la ferme à la cantine",
        datetime.date(2024, 6, 13),
        18,
        "transition-ecologique",
        ["dole", "poligny"],
        "Maison des associations de Dole",
        "Dole (39100)",
        "Équipe du Clus'Ter Jura",
        "Producteurs, cuisiniers et élus ont cherché ensemble comment servir plus de produits "
        "locaux et biologiques dans la restauration collective.",
    ),
    (
        "tiers-lieux-nouveaux-metiers",
        "Tiers-lieux et nouveaux métiers",
        datetime.date(2023, 3, 9),
        17,
        "transition-economique",
        ["salins-les-bains", "champagnole"],
        "Salle de la Saline",
        "Salins-les-Bains (39110)",
        "Équipe du Clus'Ter Jura",
        "Un lieu partagé pour travailler, se former et entreprendre près de chez soi : "
        "à quelles conditions tient-il dans la durée ?",
    ),
]

UPCOMING_WORKSHOPS = [
    # slug, title, days after the load day (moved to the next Tuesday or Thursday), hour,
    # theme, communes, place, address, facilitators, summary, capacity
    (
        "energies-citoyennes",
        "Énergies citoyennes : produire ensemble",
        12,
        18,
        "transition-ecologique",
        ["lons-le-saunier"],
        "Maison de la vie associative",
        "Lons-le-Saunier (39000)",
        "Équipe du Clus'Ter Jura",
        "Toits solaires partagés, chaufferies bois collectives : venez imaginer les projets "
        "d'énergie que les habitants pourraient porter eux-mêmes.",
        25,
    ),
    (
        "porter-un-projet-cooperatif",
        "Découverte : porter un projet coopératif",
        26,
        14,
        "transition-economique",
        ["conliege"],
        "Locaux du Groupe Demain",
        "Conliège (39570)",
        "Équipe du Clus'Ter Jura",
        "Un atelier en petit comité pour celles et ceux qui ont une idée et se demandent "
        "comment la transformer en activité coopérative.",
        2,
    ),
]

WORKSHOP_PROGRAMME = [
    "Au programme : un tour de table, un temps en petits groupes pour approfondir les idées "
    "apportées par les participants, puis une mise en commun des pistes à suivre.",
    "Le compte rendu est publié sur cette page ; les idées retenues sont accompagnées par "
    "l'équipe du Clus'Ter Jura.",
]

# Fictional people who already took the two places of the small workshop (waiting list demo).
DEMO_REGISTRATIONS = [
    (
        "porter-un-projet-cooperatif",
        "Camille Exemple",
        "camille@example.org",
        "Association exemple",
    ),
    ("porter-un-projet-cooperatif", "Dominique Exemple", "dominique@example.org", ""),
]

REAL_PROJECT_PAGES = [
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

REAL_PROJECTS = {
    # What the 2021 general assembly article says about them, and nothing more.
    "atelier-textile-jurassien": {
        "status": "lance",
        "themes": ["transition-economique", "transition-sociale"],
        "communes": [],
        "sector": "Textile et confection",
        "image": ("Atelier textile jurassien", "forest"),
        "hero_image_alt": "",
        "milestones": [
            (
                datetime.date(2021, 6, 24),
                "Cité parmi les projets amorcés par le cluster",
                "L'assemblée générale des associés, réunie à Conliège, présente la création de "
                "l'atelier textile jurassien.",
            ),
        ],
    },
    "ensemble-bi-eau": {
        "status": "lance",
        "themes": ["transition-ecologique", "transition-economique"],
        "communes": ["lons-le-saunier"],
        "sector": "Filières biologiques",
        "image": ("Ensemble Bi'Eau", "meadow"),
        "hero_image_alt": "",
        "milestones": [
            (
                datetime.date(2021, 6, 24),
                "Cité parmi les projets amorcés par le cluster",
                "L'assemblée générale des associés présente la SCIC « Ensemble Bi'Eau », qui "
                "développe les filières biologiques sur le Pays Lédonien.",
            ),
        ],
    },
}

EXAMPLE_PROJECTS = [
    {
        "slug": "ressourcerie-petite-montagne",
        "title": "La ressourcerie de la Petite Montagne",
        "summary": "Collecter, réparer et revendre ce qui se jetait : une ressourcerie "
        "associative qui emploie et forme des habitants du secteur d'Orgelet.",
        "status": "lance",
        "themes": ["transition-ecologique", "transition-sociale"],
        "communes": ["orgelet"],
        "sector": "Réemploi",
        "jobs_created": 4,
        "start": (2024, 3, 1),
        "palette": "clay",
        "workshops": ["reemploi-economie-circulaire"],
        "milestones": [
            (
                (2024, 3, 1),
                "Ouverture de la boutique",
                "Le premier samedi, 300 objets trouvent preneur.",
            ),
            (
                (2024, 9, 15),
                "Premier atelier de réparation",
                "Des bénévoles réparent vélos et petit électroménager.",
            ),
        ],
        "partners": [
            ("Association des artisans réparateurs (exemple)", "https://www.example.org/")
        ],
        "gallery": 2,
        "story": [
            "Tout est parti d'une question posée en atelier : que deviennent les meubles et les "
            "objets déposés à la déchetterie ? Beaucoup pouvaient resservir.",
            "Une association s'est constituée, un local a été trouvé, et la ressourcerie accueille "
            "aujourd'hui dons et clients trois jours par semaine.",
        ],
    },
    {
        "slug": "legumerie-pays-dolois",
        "title": "La légumerie partagée du Pays dolois",
        "summary": "Laver, éplucher et découper les légumes des fermes voisines pour les "
        "cantines : l'outil qui manquait aux circuits courts.",
        "status": "amorce",
        "themes": ["transition-ecologique", "transition-economique"],
        "communes": ["dole", "poligny"],
        "sector": "Alimentation",
        "jobs_created": 2,
        "start": (2025, 1, 6),
        "palette": "meadow",
        "workshops": ["circuits-courts-cantines"],
        "milestones": [
            (
                (2025, 1, 6),
                "Étude de faisabilité lancée",
                "Cinq fermes et trois cantines s'engagent à tester.",
            ),
        ],
        "partners": [("Groupement de producteurs (exemple)", "")],
        "gallery": 0,
        "story": [
            "Les cantines voulaient des légumes locaux, les fermes voulaient les vendre, mais "
            "personne ne pouvait les préparer en quantité.",
            "La légumerie partagée mutualise l'équipement et le personnel.",
        ],
    },
    {
        "slug": "covoiturage-solidaire-haut-jura",
        "title": "Covoiturage solidaire du Haut-Jura",
        "summary": "Des conducteurs bénévoles et un standard téléphonique pour que personne "
        "ne reste isolé faute de voiture entre Saint-Claude et Morez.",
        "status": "en-atelier",
        "themes": ["transition-sociale", "transition-ecologique"],
        "communes": ["saint-claude", "morez"],
        "sector": "Mobilité",
        "jobs_created": 0,
        "start": None,
        "palette": "lake",
        "workshops": ["mobilites-haut-jura"],
        "milestones": [],
        "partners": [],
        "gallery": 0,
        "story": [
            "Les habitants âgés des villages ont du mal à rejoindre les commerces et les "
            "médecins. Le projet cherche encore sa forme juridique.",
        ],
    },
    {
        "slug": "tiers-lieu-des-salines",
        "title": "Le tiers-lieu des Salines",
        "summary": "Un espace de travail partagé, un atelier de fabrication et une "
        "programmation de formations au cœur de Salins-les-Bains.",
        "status": "autonome",
        "themes": ["transition-economique", "transition-sociale"],
        "communes": ["salins-les-bains"],
        "sector": "Tiers-lieu",
        "jobs_created": 3,
        "start": (2023, 10, 2),
        "palette": "forest",
        "workshops": ["tiers-lieux-nouveaux-metiers"],
        "milestones": [
            ((2023, 10, 2), "Ouverture de l'espace de travail", ""),
            (
                (2025, 4, 1),
                "Le tiers-lieu équilibre ses comptes",
                "Il vole désormais de ses propres ailes.",
            ),
        ],
        "partners": [("Réseau des tiers-lieux (exemple)", "https://www.example.org/")],
        "gallery": 2,
        "story": [
            "Indépendants, salariés en télétravail et porteurs de projets cherchaient un lieu "
            "pour travailler et se rencontrer sans faire la route jusqu'à Besançon.",
        ],
    },
    {
        "slug": "filiere-chanvre-vignoble",
        "title": "Une filière chanvre dans le Vignoble",
        "summary": "Cultiver le chanvre en rotation avec les céréales et le transformer en "
        "isolant pour les maisons du Jura.",
        "status": "amorce",
        "themes": ["transition-ecologique", "transition-economique"],
        "communes": ["poligny", "arbois"],
        "sector": "Agriculture et éco-matériaux",
        "jobs_created": 1,
        "start": (2025, 5, 12),
        "palette": "meadow",
        "workshops": ["circuits-courts-cantines"],
        "milestones": [
            ((2025, 5, 12), "Premiers semis sur trois parcelles", ""),
        ],
        "partners": [],
        "gallery": 0,
        "story": [
            "Le chanvre demande peu d'eau et aucun traitement. Reste à construire l'outil de "
            "transformation : c'est l'objet de l'amorçage.",
        ],
    },
    {
        "slug": "lunetterie-de-reemploi",
        "title": "Lunetterie de réemploi à Morez",
        "summary": "Remettre en état les montures usagées avec le savoir-faire lunetier du "
        "Haut-Jura : une idée qui cherche encore ses porteurs.",
        "status": "idee",
        "themes": ["transition-economique"],
        "communes": ["morez"],
        "sector": "Artisanat",
        "jobs_created": 0,
        "start": None,
        "palette": "lake",
        "workshops": [],
        "milestones": [],
        "partners": [],
        "gallery": 0,
        "story": [
            "Chaque année, des milliers de montures dorment dans les tiroirs. L'idée : les "
            "collecter et les remettre en état là où on sait les fabriquer.",
        ],
    },
]

RELATED = {
    "ressourcerie-petite-montagne": ["lunetterie-de-reemploi", "tiers-lieu-des-salines"],
    "legumerie-pays-dolois": ["ensemble-bi-eau", "filiere-chanvre-vignoble"],
    "lunetterie-de-reemploi": ["ressourcerie-petite-montagne"],
}


def load(home) -> int:
    """Create what is missing; return how many pages were created."""
    created = 0
    themes, statuses, communes = taxonomy.ensure()

    projects_index, was_created = ensure_child(
        home,
        ProjectIndexPage,
        "projets",
        title="Projets",
        intro="Des idées captées sur le territoire, travaillées en ateliers, devenues des activités.",
        show_in_menus=True,
    )
    created += was_created
    workshops_index, was_created = ensure_child(
        home,
        WorkshopIndexPage,
        "ateliers",
        title="Ateliers",
        intro=(
            "Habitants, entreprises, associations et élus travaillent les idées du territoire "
            "en ateliers thématiques. Ouverts à toutes et à tous, sur inscription."
        ),
        show_in_menus=True,
    )
    created += was_created

    workshops = {}
    for row in [*PAST_WORKSHOPS, *UPCOMING_WORKSHOPS]:
        slug, title, when, hour, theme, commune_slugs, place, address, facilitators, summary = row[
            :10
        ]
        capacity = row[10] if len(row) > 10 else 20
        starts_at = _start(when, hour)
        page, was_created = ensure_child(
            workshops_index,
            WorkshopPage,
            slug,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2, minutes=30),
            place=place,
            address=address,
            theme=themes[theme],
            communes=[communes[c] for c in commune_slugs],
            facilitators=facilitators,
            summary=summary,
            body=[("paragraph", rich(*WORKSHOP_PROGRAMME))],
            capacity=capacity,
            registration_open=True,
        )
        created += was_created
        workshops[slug] = page
    for slug, name, email, organisation in DEMO_REGISTRATIONS:
        WorkshopRegistration.objects.get_or_create(
            workshop=workshops[slug],
            email=email,
            defaults={"name": name, "organisation": organisation},
        )

    projects = {}
    for slug, title, summary, paragraphs in REAL_PROJECT_PAGES:
        page, was_created = ensure_child(
            projects_index,
            ProjectPage,
            slug,
            title=title,
            summary=summary,
            body=[("paragraph", rich(*paragraphs))],
        )
        created += was_created
        projects[slug] = page
        # Filled once: a project whose status or themes staff have set is left alone.
        if page.status_id is None and not page.themes.exists():
            _fill_real_project(page, REAL_PROJECTS[slug], statuses, themes, communes)

    for spec in EXAMPLE_PROJECTS:
        page, was_created = ensure_child(
            projects_index,
            ProjectPage,
            spec["slug"],
            **_example_fields(spec, statuses, themes, communes, workshops),
        )
        created += was_created
        projects[spec["slug"]] = page

    _link_related(projects)
    link_key_figures(
        home, {"projects": projects_index, "jobs": projects_index, "workshops": workshops_index}
    )
    return created


def _start(when: datetime.date | int, hour: int) -> datetime.datetime:
    """A fixed date, or so many days after today moved on to a Tuesday or a Thursday."""
    if isinstance(when, int):
        day = timezone.localdate() + datetime.timedelta(days=when)
        while day.weekday() not in (1, 3):
            day += datetime.timedelta(days=1)
    else:
        day = when
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fill_real_project(page, facts, statuses, themes, communes) -> None:
    title, palette = facts["image"]
    page.status = statuses[facts["status"]]
    page.themes = [themes[slug] for slug in facts["themes"]]
    page.communes = [communes[slug] for slug in facts["communes"]]
    page.sector = facts["sector"]
    if page.hero_image_id is None:
        page.hero_image = ensure_image(
            title, "Illustration : paysage du Jura, forêts et crêtes.", palette
        )
        page.hero_image_alt = facts["hero_image_alt"]
    if not page.milestones.exists():
        page.milestones = [
            ProjectMilestone(date=day, title=title, description=description)
            for day, title, description in facts["milestones"]
        ]
    page.save_revision().publish()


def _example_fields(spec, statuses, themes, communes, workshops) -> dict:
    image = ensure_image(spec["title"], "Illustration : paysage stylisé du Jura.", spec["palette"])
    gallery = [
        ProjectGalleryImage(
            image=ensure_image(
                f"{spec['title']} — vue {number}",
                "Illustration : paysage stylisé du Jura.",
                palette,
            ),
            alt_text=f"Illustration {number} du projet : un paysage stylisé du Jura.",
            caption="Illustration de démonstration.",
        )
        for number, palette in zip(range(1, spec["gallery"] + 1), ["lake", "forest"], strict=False)
    ]
    partners = [
        ProjectPartner(
            name=name,
            url=url,
            logo=ensure_image(f"Logo — {name}", "Logo de démonstration.", "clay"),
        )
        for name, url in spec["partners"]
    ]
    return {
        "title": spec["title"],
        "summary": spec["summary"],
        "hero_image": image,
        "hero_image_alt": "",
        "body": [("paragraph", rich(*spec["story"]))],
        "status": statuses[spec["status"]],
        "themes": [themes[slug] for slug in spec["themes"]],
        "communes": [communes[slug] for slug in spec["communes"]],
        "sector": spec["sector"],
        "jobs_created": spec["jobs_created"],
        "start_date": datetime.date(*spec["start"]) if spec["start"] else None,
        "is_example": True,
        "workshops": [workshops[slug] for slug in spec["workshops"]],
        "milestones": [
            ProjectMilestone(date=datetime.date(*day), title=title, description=description)
            for day, title, description in spec["milestones"]
        ],
        "partners": partners,
        "gallery_images": gallery,
        "contact_name": "Équipe du Clus'Ter Jura",
        "contact_email": "contact@clusterjura.fr",
    }


def _link_related(projects: dict) -> None:
    """Related projects, set once (when a page has none yet)."""
    for slug, related_slugs in RELATED.items():
        page = projects.get(slug)
        if page is None or page.related_projects.exists():
            continue
        page = ProjectPage.objects.get(pk=page.pk)
        page.related_projects = [projects[s] for s in related_slugs if s in projects]
        page.save_revision().publish()
