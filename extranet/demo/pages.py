"""/extranet/ and the 2021 general assembly, from the article the project carries
(home/demo/ag-2021-article.txt): the reports adopted unanimously, the vote creating
the impulsion fund, the three working groups; and the next general assembly, three
weeks after the demo is loaded, convened, its online vote open, so that the demo
associates (associe1-3, in three colleges) can vote, give a proxy and see the
results screen."""

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Page

from extranet.constants import (
    AssemblyEventKind,
    AssemblyKind,
    ConvocationChannel,
    DocumentKind,
    Majority,
    ResolutionKind,
    ResolutionOutcome,
)
from extranet.demo.people import ensure_colleges
from extranet.models import (
    AssemblyDocument,
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    College,
    CollegeShare,
    Convocation,
    ExtranetHomePage,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)
from extranet.services.privacy import ensure_restricted
from home.demo.content import article_paragraphs, ensure_child, rich

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

RESOLUTIONS = [
    (
        "Approbation du rapport financier 2020",
        "L'assemblée générale, après avoir entendu le rapport financier présenté par le "
        "directeur, approuve les comptes de l'exercice 2020.",
        True,
    ),
    (
        "Approbation du rapport d'activité 2020",
        "L'assemblée générale approuve le rapport d'activité 2020 : plus de 130 idées de "
        "projets captées, 71 ateliers thématiques, 22 projets amorcés depuis 2016.",
        True,
    ),
    (
        "Approbation du rapport moral",
        "L'assemblée générale approuve le rapport moral présenté par le président.",
        True,
    ),
    (
        "Création d'un fonds d'impulsion",
        "L'assemblée générale décide la création d'un fonds d'impulsion pour financer "
        "l'expérimentation de projets par une philanthropie de territoire, sous forme de "
        "mécénat entrepreneurial. Il complète les parts sociales, les titres participatifs "
        "et le compte courant d'associés, et sera lancé avant la fin de l'année.",
        False,
    ),
]

# The next assembly: a mixed one (accounts, an election, a change of the statutes).
NEXT_RESOLUTIONS = [
    (
        "Approbation des comptes 2025 et affectation du résultat",
        "L'assemblée générale approuve les comptes de l'exercice 2025 tels qu'ils lui ont "
        "été présentés, et décide d'affecter le résultat en réserve impartageable.",
        ResolutionKind.ORDINARY,
        "",
        False,
    ),
    (
        "Élection au conseil d'administration",
        "L'assemblée générale élit Mme Claire Bourgeois, candidate du collège des "
        "bénéficiaires, administratrice pour six ans.",
        ResolutionKind.ORDINARY,
        "",
        True,
    ),
    (
        "Modification des statuts : règlement du fonds d'impulsion",
        "L'assemblée générale, statuant en la forme extraordinaire, inscrit le fonds "
        "d'impulsion dans les statuts : son objet (l'expérimentation de projets du "
        "territoire), son comité d'attribution et le compte rendu annuel de ses aides.",
        ResolutionKind.EXTRAORDINARY,
        Majority.TWO_THIRDS,
        False,
    ),
]
# The colleges' shares of the voting rights (percent, 100 in all).
COLLEGE_SHARES = {
    "salaries": 30,
    "beneficiaires": 20,
    "collectivites": 20,
    "partenaires": 20,
    "fondateurs": 10,
}

DOCUMENT_ORDER = [
    DocumentKind.FINANCIAL_REPORT,
    DocumentKind.ACTIVITY_REPORT,
    DocumentKind.MORAL_REPORT,
    DocumentKind.ACCOUNTS,
    DocumentKind.MINUTES,
]

# slug, title, question, notes (from the article), members (demo usernames)
WORKING_GROUPS = [
    (
        "raison-d-etre",
        "La raison d'être du cluster",
        "Comment mieux appréhender l'activité du cluster ?",
        "Avec la création d'un maillage coopératif d'acteurs dont la finalité est "
        "l'éclosion d'activités économiques pérennes au service des transitions du "
        "territoire.",
        ["associe1", "associe3"],
    ),
    (
        "orientations-2021-2026",
        "Les orientations des projets 2021-2026",
        "Quelles orientations pour les projets 2021-2026 ?",
        "Pour poursuivre la montée en puissance du cluster et la consolidation de son "
        "indépendance et de son autonomie d'action.",
        ["associe2"],
    ),
    (
        "fonds-d-impulsion",
        "La création d'un fonds d'impulsion",
        "Un fonds d'impulsion pour soutenir les projets ?",
        "C'est sur la création de ce fonds d'investissement que les débats ont été les "
        "plus vifs. Il viendra compléter les trois autres modes de financement des "
        "activités du Clus'Ter : les parts sociales détenues par chaque coopérateur, les "
        "titres participatifs et le compte courant d'associés.",
        ["associe1", "associe2"],
    ),
]


def _paragraphs(*texts: str) -> list:
    return [("paragraph", rich(text)) for text in texts]


def load(home: Page, *, documents: dict) -> int:
    created = 0

    def note(page_and_flag):
        nonlocal created
        page, was_created = page_and_flag
        created += int(was_created)
        return page

    extranet = home.get_children().filter(slug="extranet").first()
    if extranet is None:
        extranet = ExtranetHomePage(
            slug="extranet",
            title="Espace des associés",
            intro=rich(
                "Bienvenue dans l'espace réservé aux associés du Clus'Ter Jura : les "
                "documents des assemblées générales, les groupes de travail et votre "
                "sociétariat."
            ),
            show_in_menus=False,
        )
        # Restricted before its first publication: never public, not even for a moment.
        home.add_child(instance=extranet)
        ensure_restricted(extranet)
        extranet.save_revision().publish()
        created += 1
    extranet = extranet.specific
    ensure_restricted(extranet)

    assemblies = note(
        ensure_child(
            extranet,
            GeneralAssemblyIndexPage,
            "assemblees-generales",
            title="Assemblées générales",
            intro="Convocations, ordres du jour, résolutions et documents des assemblées.",
        )
    )
    paragraphs = article_paragraphs()
    assembly = note(
        ensure_child(
            assemblies,
            GeneralAssemblyPage,
            "2021",
            title="Assemblée générale 2021",
            held_at=datetime.datetime(2021, 6, 24, 18, 30, tzinfo=PARIS),
            place="Groupe Demain, Conliège",
            kind=AssemblyKind.ORDINARY,
            convocation_date=datetime.date(2021, 6, 8),
            summary=(
                "Les rapports financier, d'activité et moral adoptés à l'unanimité, la "
                "création d'un fonds d'impulsion, et trois groupes de travail sur l'avenir "
                "du cluster."
            ),
            agenda=(
                "<ol><li>Rapport financier 2020 et approbation des comptes</li>"
                "<li>Rapport d'activité 2020</li><li>Rapport moral du président</li>"
                "<li>Création d'un fonds d'impulsion</li>"
                "<li>Groupes de travail : la raison d'être du cluster, les orientations "
                "2021-2026, le fonds d'impulsion</li></ol>"
            ),
            body=_paragraphs(*paragraphs[:2]),
            resolutions=[
                AssemblyResolution(
                    title=title,
                    text=text,
                    outcome=ResolutionOutcome.ADOPTED,
                    unanimous=unanimous,
                    sort_order=order,
                )
                for order, (title, text, unanimous) in enumerate(RESOLUTIONS)
            ],
            documents=[
                AssemblyDocument(document=documents[kind], kind=kind, sort_order=order)
                for order, kind in enumerate(DOCUMENT_ORDER)
                if kind in documents
            ],
        )
    )
    note(_next_assembly(assemblies))
    groups = note(
        ensure_child(
            extranet,
            WorkingGroupIndexPage,
            "groupes-de-travail",
            title="Groupes de travail",
            intro="Les groupes de travail des associés, leurs documents et leurs notes.",
        )
    )
    for slug, title, question, notes, usernames in WORKING_GROUPS:
        group, was_created = ensure_child(
            groups,
            WorkingGroupPage,
            slug,
            title=title,
            intro=question,
            assembly=assembly,
            body=_paragraphs(notes),
        )
        created += int(was_created)
        members = list(Associate.objects.filter(user__username__in=usernames))
        if members and not group.members.exists():
            group.members.set(members)
            group.save_revision().publish()
    return created


def _next_assembly(assemblies):
    """The next general assembly, three weeks from now: convened, its vote open since
    yesterday until the assembly begins."""
    now = timezone.now()
    held_at = timezone.localtime(now + datetime.timedelta(days=21)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    ensure_colleges()  # a flushed test database has lost the seeded colleges
    colleges = {college.slug: college for college in College.objects.all()}
    page, was_created = ensure_child(
        assemblies,
        GeneralAssemblyPage,
        str(held_at.year),
        title=f"Assemblée générale {held_at.year}",
        held_at=held_at,
        place="Groupe Demain, Conliège",
        kind=AssemblyKind.MIXED,
        summary=(
            "Les comptes 2025, l'élection d'une administratrice et l'inscription du fonds "
            "d'impulsion dans les statuts. Votez en ligne, ou donnez pouvoir à un associé."
        ),
        agenda=(
            "<ol><li>Partie ordinaire : comptes 2025 et affectation du résultat</li>"
            "<li>Partie ordinaire : élection au conseil d'administration</li>"
            "<li>Partie extraordinaire : règlement du fonds d'impulsion dans les "
            "statuts</li></ol>"
        ),
        votes_open_at=now - datetime.timedelta(days=1),
        votes_close_at=held_at,
        college_shares=[
            CollegeShare(college=colleges[slug], share=Decimal(share), sort_order=order)
            for order, (slug, share) in enumerate(COLLEGE_SHARES.items())
            if slug in colleges
        ],
        resolutions=[
            AssemblyResolution(
                title=title,
                text=text,
                kind=kind,
                majority=majority,
                secret=secret,
                sort_order=order,
            )
            for order, (title, text, kind, majority, secret) in enumerate(NEXT_RESOLUTIONS)
        ],
    )
    if was_created:
        _record_convocation(page, sent_at=now)
    return page, was_created


def _record_convocation(page, *, sent_at):
    """The convocation as if sent today (the demo sends no email): one record per
    associate with voting rights, by email or by post as they agreed."""
    associates = list(Associate.objects.with_voting_rights(timezone.localdate(page.held_at)))
    Convocation.objects.bulk_create(
        [
            Convocation(
                assembly=page,
                associate=associate,
                channel=ConvocationChannel.EMAIL
                if associate.consent_electronic
                else ConvocationChannel.POST,
            )
            for associate in associates
        ]
    )
    GeneralAssemblyPage.objects.filter(pk=page.pk).update(
        convocation_sent_at=sent_at,
        convocation_date=timezone.localdate(sent_at),
        associates_count=len(associates),
    )
    AssemblyEvent.objects.create(
        assembly=page,
        kind=AssemblyEventKind.CONVOCATION_SENT,
        detail="Convocation de démonstration (aucun courriel envoyé).",
    )
