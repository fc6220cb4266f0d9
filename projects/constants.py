"""Limits, validators and choices of the projects app: the bottom layer.

Models, forms, services and views all read them from here, so no module needs to
import a layer above its own to know a length or a status.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Listings ---------------------------------------------------------------------------
PROJECTS_PER_PAGE = 12
WORKSHOPS_PER_PAGE = 12
IDEAS_PER_PAGE = 10

# Ideas: length bounds shared by the model, the public form and the admin form --------
TITLE_MIN, TITLE_MAX = 5, 150
DESCRIPTION_MIN, DESCRIPTION_MAX = 30, 5000
NAME_MAX, ORGANISATION_MAX, PHONE_MAX, EMAIL_MAX = 150, 150, 30, 254
PUBLIC_ANSWER_MAX, PERSONAL_MESSAGE_MAX, STAFF_NOTES_MAX = 3000, 3000, 10000
# "Autre commune": the name typed when the commune is not in the list.
COMMUNE_OTHER_MAX = 120

phone_validator = RegexValidator(
    r"^[0-9+().\-\s]{6,30}$",
    _("Saisissez un numéro de téléphone, par exemple 03 84 00 00 00 ou +33 3 84 00 00 00."),
)


class IdeaStatus(models.TextChoices):
    RECEIVED = "received", _("reçue")
    UNDER_STUDY = "under_study", _("à l'étude")
    IN_WORKSHOP = "in_workshop", _("discutée en atelier")
    RETAINED = "retained", _("retenue")
    PROJECT = "project", _("devenue un projet")
    NOT_RETAINED = "not_retained", _("non retenue")


class Involvement(models.TextChoices):
    INFORMED = "informed", _("Être tenu informé de la suite")
    CONTRIBUTE = "contribute", _("Participer aux ateliers")
    LEAD = "lead", _("Porter le projet")


# Joining a project that seeks people ("Rejoindre ce projet") -------------------------
JOIN_MESSAGE_MIN, JOIN_MESSAGE_MAX = 10, 2000


# Workshops --------------------------------------------------------------------------
REGISTRANT_NAME_MAX = 150
REGISTRANT_ORGANISATION_MAX = 150


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("inscrit·e")
    WAITING = "waiting", _("liste d'attente")
    CANCELLED = "cancelled", _("annulé·e")


# Session key holding the status of the registration just made (post/redirect/get).
REGISTERED_SESSION_KEY = "workshop_registered_%s"
