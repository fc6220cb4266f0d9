"""Demo calls for ideas: the index at /appels-a-idees/, an open call and a closed one.

Loaded by `manage.py load_demo_content` through `home.demo`, after the projects
loader (themes, communes, workshops). Every step looks for what it would create
first: loading twice changes nothing, and what staff edited is never overwritten.
The ideas of the closed call are fictional examples (`is_example`), excluded from
the key figures; their authors are fictional too.
"""

import calendar
import datetime

from django.utils import timezone

from home.demo.content import ensure_child, link_key_figures, rich
from projects.demo import taxonomy
from projects.models import CallForIdeasIndexPage, CallForIdeasPage, Idea, ProjectPage
from projects.models.workshops import WorkshopPage

OPEN_CALL_SLUG = "transitions-2026"
CLOSED_CALL_SLUG = "se-deplacer-autrement"

CLOSED_CALL_IDEAS = [
    # title, commune, theme, status, public answer, description
    (
        "Un covoiturage organisé entre les villages du Haut-Jura",
        "morez",
        "transition-sociale",
        Idea.Status.IN_WORKSHOP,
        "Discutée à l'atelier « Mobilités du Haut-Jura » : une application existe déjà, "
        "il manque surtout des points de rendez-vous signalés. Un groupe d'habitants "
        "et deux communes y travaillent.",
        "Chaque matin, des dizaines de voitures descendent vers Morez avec une seule personne "
        "à bord. Des points de rendez-vous signalés dans chaque village et un groupe de "
        "discussion suffiraient pour partager les trajets.",
    ),
    (
        "Des vélos à assistance électrique en location longue durée",
        "saint-claude",
        "transition-ecologique",
        Idea.Status.RETAINED,
        "Retenue : les dénivelés du Haut-Jura demandent une assistance électrique, et une "
        "location au mois permet d'essayer avant d'acheter. Nous cherchons un atelier de "
        "réparation partenaire.",
        "Louer un vélo électrique au mois, avec l'entretien compris, pour essayer d'aller au "
        "travail autrement qu'en voiture malgré les côtes.",
    ),
    (
        "Un transport à la demande pour les rendez-vous médicaux",
        "champagnole",
        "transition-sociale",
        Idea.Status.UNDER_STUDY,
        "À l'étude avec les services de santé du secteur : le besoin est réel, le financement "
        "reste à trouver.",
        "Les personnes âgées sans voiture renoncent à des rendez-vous à Lons-le-Saunier. Un "
        "minibus sur réservation, deux jours par semaine, changerait beaucoup de choses.",
    ),
    (
        "Une navette estivale entre les lacs",
        "lons-le-saunier",
        "transition-economique",
        Idea.Status.NOT_RETAINED,
        "Non retenue pour l'instant : une ligne saisonnière existe déjà. Nous avons transmis "
        "l'idée de mieux la faire connaître à l'office de tourisme.",
        "L'été, les routes des lacs sont saturées. Une navette depuis la gare de "
        "Lons-le-Saunier désengorgerait les parkings et aiderait les visiteurs sans voiture.",
    ),
]

# Example ideas that grew into an example project: the project's lineage links the call.
IDEA_PROJECTS = {
    "Un covoiturage organisé entre les villages du Haut-Jura": "covoiturage-solidaire-haut-jura",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def load(home) -> int:
    """Create what is missing; return how many pages were created."""
    created = 0
    themes, _statuses, communes = taxonomy.ensure()
    today = timezone.localdate()

    index, was_created = ensure_child(
        home,
        CallForIdeasIndexPage,
        "appels-a-idees",
        title="Appels à idées",
        intro=(
            "Une idée d'activité pour le territoire ? Le Clus'Ter Jura lance régulièrement des "
            "appels à idées, ouverts à toutes et à tous, sans inscription. Chaque idée est lue, "
            "travaillée en atelier, et certaines deviennent des projets."
        ),
        show_in_menus=True,
    )
    created += was_created

    _open_call, was_created = ensure_child(
        index,
        CallForIdeasPage,
        OPEN_CALL_SLUG,
        title="Transitions 2026 : vos idées pour le Jura",
        search_description=(
            "Réemploi, alimentation, énergie, mobilités, services : proposez une activité qui "
            "manque près de chez vous."
        ),
        intro=rich(
            "Qu'est-ce qui manque près de chez vous ? Une activité, un service, un savoir-faire "
            "qui pourrait créer des emplois tout en ménageant le territoire ?",
            "Le Clus'Ter Jura recueille vos idées pour les transitions écologiques, économiques "
            "et sociales du Jura. Pas besoin d'avoir un projet abouti : quelques lignes suffisent.",
        ),
        opens_on=today,
        closes_on=add_months(today, 3),
        themes=list(themes.values()),
        guiding_questions=(
            "<ul><li>Quel besoin voyez-vous autour de vous, que personne ne couvre ?</li>"
            "<li>Quelle ressource locale (matière, savoir-faire, lieu) est sous-utilisée ?</li>"
            "<li>Qui pourrait s'associer pour lancer cette activité ?</li>"
            "<li>Comment aimeriez-vous y prendre part ?</li></ul>"
        ),
    )
    created += was_created

    closed_call, was_created = ensure_child(
        index,
        CallForIdeasPage,
        CLOSED_CALL_SLUG,
        title="Se déplacer autrement dans le Haut-Jura",
        search_description=(
            "Comment se déplacer sans voiture individuelle dans les vallées du Haut-Jura ? "
            "Ce que vos idées sont devenues."
        ),
        intro=rich(
            "Dans les vallées du Haut-Jura, la voiture reste souvent la seule solution. Nous vous "
            "avons demandé comment se déplacer autrement : au travail, chez le médecin, en "
            "vacances."
        ),
        opens_on=today - datetime.timedelta(days=540),
        closes_on=today - datetime.timedelta(days=450),
        themes=[themes["transition-sociale"], themes["transition-ecologique"]],
        guiding_questions=(
            "<ul><li>Quels trajets faites-vous seul·e en voiture faute de mieux ?</li>"
            "<li>Qu'est-ce qui vous ferait laisser la voiture au garage ?</li></ul>"
        ),
        outcome=rich(
            "L'appel a reçu des idées de tout le Haut-Jura. Elles ont nourri l'atelier "
            "« Mobilités du Haut-Jura : partager la route », où habitants, élus et "
            "transporteurs ont choisi deux pistes à approfondir : des points de covoiturage "
            "signalés entre les villages, et la location longue durée de vélos à assistance "
            "électrique.",
            "Les idées publiées ci-dessous portent la réponse de l'équipe, qu'elles aient été "
            "retenues ou non.",
        ),
    )
    created += was_created
    if not Idea.objects.filter(call=closed_call).exists():
        _closed_call_ideas(closed_call, themes, communes)
    link_key_figures(home, {"ideas": index})
    return created


def _closed_call_ideas(call, themes, communes) -> None:
    workshop = WorkshopPage.objects.filter(slug="mobilites-haut-jura").first()
    ideas = []
    for number, (title, commune, theme, status, answer, description) in enumerate(
        CLOSED_CALL_IDEAS, start=1
    ):
        idea = Idea(
            call=call,
            title=title,
            description=description,
            theme=themes[theme],
            commune=communes[commune],
            involvement=Idea.Involvement.CONTRIBUTE,
            name=f"Personne fictive n° {number}",
            email=f"exemple-{number}@example.org",
            consent_processing=True,
            status=status,
            public_answer=answer,
            is_published=True,
            is_example=True,
            project=ProjectPage.objects.filter(slug=IDEA_PROJECTS.get(title, "")).first(),
        )
        idea.full_clean()
        idea.save()
        _received_during(idea, call, days=number * 9)
        if workshop is not None and status in (Idea.Status.IN_WORKSHOP, Idea.Status.RETAINED):
            idea.workshops.add(workshop)
        ideas.append(idea)
    # A second author had the same idea as the first: both are kept, and linked.
    duplicate = Idea(
        call=call,
        title="Partager les trajets vers Morez",
        description=(
            "Mettre en relation les personnes qui font le même trajet vers Morez chaque matin, "
            "avec des arrêts de covoiturage dans les villages."
        ),
        theme=themes["transition-sociale"],
        commune=communes["morez"],
        involvement=Idea.Involvement.INFORMED,
        name="Personne fictive n° 5",
        email="exemple-5@example.org",
        consent_processing=True,
        status=Idea.Status.IN_WORKSHOP,
        duplicate_of=ideas[0],
        is_example=True,
    )
    duplicate.full_clean()
    duplicate.save()
    _received_during(duplicate, call, days=50)


def _received_during(idea, call, *, days: int) -> None:
    """Date an example idea within its call (created_at is set on save)."""
    received = datetime.datetime.combine(
        call.opens_on + datetime.timedelta(days=days), datetime.time(12, 0)
    )
    Idea.objects.filter(pk=idea.pk).update(
        created_at=timezone.make_aware(received), updated_at=timezone.make_aware(received)
    )
