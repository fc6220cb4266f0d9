"""Names and choices of the extranet, shared by every layer (imports nothing of the app)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# The Django group every active associate's user belongs to (created by a data
# migration): extranet pages are restricted to it. It holds no permission at all, so
# an associate never reaches Wagtail's admin.
ASSOCIATES_GROUP = "Associés"
# One group per voting college, named from the college ("Collège : Salariés"), for
# pages restricted to some colleges through Wagtail's privacy button.
COLLEGE_GROUP_PREFIX = "Collège : "
# The collection of the associates' documents (restricted to their group): reports,
# accounts, the minutes written when a vote closes.
ASSOCIATES_COLLECTION = "Documents des associés"
# The label of the minutes written when a vote closes (extranet.services.results), by
# which the page keeps them when an older revision is published.
GENERATED_MINUTES_LABEL = "Procès-verbal (généré à la clôture du vote, à signer)"

# A visit to the extranet home less than this after the previous one continues the
# same visit: "new since your last visit" keeps showing the same documents.
VISIT_GAP = datetime.timedelta(minutes=30)
# Documents listed on the extranet home (new ones, or the latest on a first visit).
RECENT_DOCUMENTS_LIMIT = 10

# The CSV import: bounded, so an upload cannot hold a worker for long.
IMPORT_MAX_BYTES = 1_000_000
IMPORT_MAX_LINES = 2_000
# Columns of the import file, in French (the header line names them, in any order).
IMPORT_REQUIRED_COLUMNS = ("courriel", "prenom", "nom", "college", "membre_depuis")
IMPORT_OPTIONAL_COLUMNS = (
    "statut",
    "consentement_electronique",
    "date_consentement",
    "adresse",
    "parts_sociales",
    "valeur_nominale",
    "titres_participatifs",
    "compte_courant",
    "date_souscription",
)

# The voting colleges the data migration seeds (staff edit them in the admin); the demo
# loader recreates any missing one (a live-server test flushes the database).
DEFAULT_COLLEGES = [
    ("salaries", "Salariés", "Les salariés de la coopérative."),
    (
        "beneficiaires",
        "Bénéficiaires",
        "Les porteurs de projets et les habitants qui bénéficient des activités du cluster.",
    ),
    (
        "collectivites",
        "Collectivités locales",
        "Les communes, communautés de communes et autres collectivités du territoire.",
    ),
    (
        "partenaires",
        "Partenaires",
        "Les entreprises, associations et organismes qui soutiennent le cluster.",
    ),
    ("fondateurs", "Fondateurs", "Les associés qui ont fondé la SCIC en 2016."),
]

NOTE_MAX = 500
ADDRESS_MAX = 500


class AssociateStatus(models.TextChoices):
    ACTIVE = "active", _("associé")
    LEFT = "left", _("sorti de la coopérative")


class Instrument(models.TextChoices):
    """The three ways an associate holds the cooperative's capital or lends to it."""

    PARTS = "parts", _("Parts sociales")
    PARTICIPATING = "participating", _("Titres participatifs")
    CURRENT_ACCOUNT = "current_account", _("Compte courant d'associé")


class MovementKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Souscription")
    TRANSFER_IN = "transfer_in", _("Cession reçue")
    TRANSFER_OUT = "transfer_out", _("Cession à un autre associé")
    REPAYMENT = "repayment", _("Remboursement")


# Movements that take from a balance; the others add to it.
DEBIT_KINDS = (MovementKind.TRANSFER_OUT, MovementKind.REPAYMENT)


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("ordinaire")
    EXTRAORDINARY = "extraordinary", _("extraordinaire")
    MIXED = "mixed", _("mixte (ordinaire et extraordinaire)")


class ResolutionKind(models.TextChoices):
    """The part of the assembly a resolution belongs to: it decides its quorum and its
    default majority (in a mixed assembly, each resolution says which)."""

    ORDINARY = "ordinary", _("ordinaire")
    EXTRAORDINARY = "extraordinary", _("extraordinaire")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("majorité simple des voix exprimées")
    TWO_THIRDS = "two_thirds", _("majorité des deux tiers des voix exprimées")


# The default majority of each part (law of 10 September 1947 and usual SCIC statutes).
DEFAULT_MAJORITY = {
    ResolutionKind.ORDINARY: Majority.SIMPLE,
    ResolutionKind.EXTRAORDINARY: Majority.TWO_THIRDS,
}
# Majority thresholds, as fractions (numerator, denominator) of the weighted votes
# expressed: simple majority is "more than half", two thirds is "at least two thirds".
MAJORITY_RULES = {
    Majority.SIMPLE: ((1, 2), "strict"),
    Majority.TWO_THIRDS: ((2, 3), "inclusive"),
}

# Default quorums, in percent of the associates with voting rights, per part and per
# convocation (first, second): usual SCIC statutes (ordinary: one fifth, then none;
# extraordinary: one quarter, then one fifth). Staff set them per assembly.
DEFAULT_QUORUM = {
    ResolutionKind.ORDINARY: (20, 0),
    ResolutionKind.EXTRAORDINARY: (25, 20),
}

# Each college carries between 10 % and 50 % of the voting rights, 100 % in all
# (law of 10 September 1947, article 19 octies).
COLLEGE_SHARE_MIN = 10
COLLEGE_SHARE_MAX = 50
# How many proxies one associate may hold (the statutes' cap; set per assembly).
DEFAULT_PROXY_CAP = 2
# The convocation leaves at least this many days before the assembly.
CONVOCATION_MIN_DAYS = 15
# Receipt codes of ballots: this many characters of an alphabet without look-alikes.
RECEIPT_LENGTH = 10
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class VoteChoice(models.TextChoices):
    FOR = "for", _("pour")
    AGAINST = "against", _("contre")
    ABSTAIN = "abstain", _("abstention")


class ConvocationChannel(models.TextChoices):
    EMAIL = "email", _("courriel")
    POST = "post", _("courrier postal")


class AssemblyEventKind(models.TextChoices):
    """The assembly's log: who did what, when (never how a secret ballot was cast)."""

    CONVOCATION_SENT = "convocation_sent", _("convocation envoyée")
    CONVOCATION_OVERRIDE = "convocation_override", _("délai de convocation dérogé")
    PROXY_GIVEN = "proxy_given", _("procuration donnée")
    PROXY_WITHDRAWN = "proxy_withdrawn", _("procuration retirée")
    VOTE_CAST = "vote_cast", _("vote enregistré")
    VOTE_CHANGED = "vote_changed", _("vote modifié")
    PRESENCE = "presence", _("présence enregistrée")
    ROOM_COUNT = "room_count", _("vote en salle saisi")
    VOTE_CLOSED = "vote_closed", _("vote clos et résultats calculés")
    MINUTES = "minutes", _("procès-verbal produit")


class ResolutionOutcome(models.TextChoices):
    PENDING = "pending", _("à voter")
    ADOPTED = "adopted", _("adoptée")
    REJECTED = "rejected", _("rejetée")


class DocumentKind(models.TextChoices):
    """What a document of a general assembly or a working group is."""

    CONVOCATION = "convocation", _("Convocation")
    FINANCIAL_REPORT = "financial_report", _("Rapport financier")
    ACTIVITY_REPORT = "activity_report", _("Rapport d'activité")
    MORAL_REPORT = "moral_report", _("Rapport moral")
    ACCOUNTS = "accounts", _("Comptes annuels")
    MINUTES = "minutes", _("Procès-verbal")
    NOTES = "notes", _("Notes de travail")
    OTHER = "other", _("Autre document")


class NoticeKind(models.TextChoices):
    PUBLISHED = "published", _("publication de l'assemblée")
    DOCUMENTS = "documents", _("nouveaux documents")
