"""The online general assembly: who was convened and how, proxies, ballots, presence in
the room, show-of-hands counts, and the assembly's log.

Secret ballots: a `Ballot` of a secret resolution keeps no associate, no time and no
ordered key (its primary key is a random UUID), so nothing in the database links a
choice to a person; the register of who voted (`Participation`) says who and when,
never what. The receipt code, shown only to the voter, is what lets them change their
secret ballot while the vote is open, and check it in the published list afterwards.
Open ballots keep their associate (one ballot per associate and resolution, by a
database constraint, as for participations).

Every write goes through `extranet.services.assemblies` (proxies, votes, presence,
counts) and `extranet.services.results` (closing, minutes).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from extranet.constants import AssemblyEventKind, ConvocationChannel, VoteChoice
from extranet.models.membership import Associate, College
from extranet.models.pages import AssemblyResolution, GeneralAssemblyPage


class Convocation(models.Model):
    """One associate convened to one assembly, and how."""

    assembly = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("assemblée"),
        on_delete=models.CASCADE,
        related_name="convocations",
    )
    associate = models.ForeignKey(
        Associate,
        verbose_name=_("associé"),
        on_delete=models.PROTECT,
        related_name="convocations",
    )
    channel = models.CharField(_("envoi"), max_length=10, choices=ConvocationChannel.choices)
    sent_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    email = models.ForeignKey(
        "home.OutboxEmail",
        verbose_name=_("courriel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["assembly", "associate"]
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "associate"], name="extranet_convocation_once"
            )
        ]

    def __str__(self):
        return f"{self.associate} · {self.get_channel_display()}"


class ProxyQuerySet(models.QuerySet):
    def active(self) -> "ProxyQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Proxy(models.Model):
    """A proxy (pouvoir) from one associate (the principal) to another (the holder), for
    one assembly. Withdrawn proxies stay, dated, for the record."""

    assembly = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("assemblée"),
        on_delete=models.CASCADE,
        related_name="proxies",
    )
    principal = models.ForeignKey(
        Associate,
        verbose_name=_("mandant"),
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        Associate,
        verbose_name=_("mandataire"),
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    created_at = models.DateTimeField(_("donnée le"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    objects = ProxyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("procuration")
        verbose_name_plural = _("procurations")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "principal"],
                condition=Q(withdrawn_at__isnull=True),
                name="extranet_proxy_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("holder")), name="extranet_proxy_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.principal} → {self.holder}"


class Participation(models.Model):
    """The register of who voted on what, and when: never the choice. One row per
    associate and resolution (the database refuses a second)."""

    resolution = models.ForeignKey(
        AssemblyResolution,
        verbose_name=_("résolution"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    associate = models.ForeignKey(
        Associate,
        verbose_name=_("associé"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    cast_by = models.ForeignKey(
        Associate,
        verbose_name=_("voté par"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("L'associé lui-même, ou le mandataire qui a voté pour lui."),
    )
    cast_at = models.DateTimeField(_("voté le"), auto_now_add=True)
    changed_at = models.DateTimeField(_("modifié le"), null=True, blank=True)

    class Meta:
        ordering = ["resolution", "associate"]
        verbose_name = _("participation au vote")
        verbose_name_plural = _("participations au vote")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "associate"], name="extranet_participation_once"
            )
        ]

    def __str__(self):
        return f"{self.associate} · {self.resolution}"


class Ballot(models.Model):
    """One ballot: a choice on a resolution, counted in the college of the associate it
    was cast for (the principal's college for a proxy vote). Secret ballots carry no
    associate; see the module's docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(
        AssemblyResolution,
        verbose_name=_("résolution"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    college = models.ForeignKey(
        College, verbose_name=_("collège"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("choix"), max_length=10, choices=VoteChoice.choices)
    receipt = models.CharField(_("code de reçu"), max_length=20, unique=True)
    associate = models.ForeignKey(
        Associate,
        verbose_name=_("associé"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
        help_text=_("Vide pour un vote secret."),
    )

    class Meta:
        ordering = ["receipt"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "associate"],
                condition=Q(associate__isnull=False),
                name="extranet_ballot_once",
            )
        ]

    def __str__(self):
        return self.receipt


class Presence(models.Model):
    """An associate present in the room (the attendance sheet), recorded by staff."""

    assembly = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("assemblée"),
        on_delete=models.CASCADE,
        related_name="presences",
    )
    associate = models.ForeignKey(
        Associate, verbose_name=_("associé"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["assembly", "associate"]
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "associate"], name="extranet_presence_once")
        ]

    def __str__(self):
        return str(self.associate)


class RoomCount(models.Model):
    """A show-of-hands count in the room, for one resolution and one college: added to
    the online ballots of that college."""

    resolution = models.ForeignKey(
        AssemblyResolution,
        verbose_name=_("résolution"),
        on_delete=models.PROTECT,
        related_name="room_counts",
    )
    college = models.ForeignKey(
        College, verbose_name=_("collège"), on_delete=models.PROTECT, related_name="+"
    )
    votes_for = models.PositiveIntegerField(_("pour"), default=0)
    votes_against = models.PositiveIntegerField(_("contre"), default=0)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), default=0)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["resolution", "college"]
        verbose_name = _("vote en salle")
        verbose_name_plural = _("votes en salle")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "college"], name="extranet_room_once")
        ]

    def __str__(self):
        return f"{self.resolution} · {self.college}"


class AssemblyEvent(models.Model):
    """The assembly's log: convocation, overrides with their reason, proxies, who voted
    when (never the choice of a secret ballot), presence, closing, minutes."""

    assembly = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("assemblée"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    kind = models.CharField(_("événement"), max_length=30, choices=AssemblyEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    associate = models.ForeignKey(
        Associate,
        verbose_name=_("associé concerné"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.TextField(_("détail"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("journal de l'assemblée")
        verbose_name_plural = _("journal de l'assemblée")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%d/%m/%Y %H:%M}"
