"""Associates, their voting colleges and their holdings.

Holdings are never typed as balances: each subscription, transfer or repayment is a
dated `HoldingMovement`, and every balance (per instrument, in cents and, for parts
sociales, in parts) is derived from them by the QuerySets below. A movement that
would take a balance below zero at any date is refused by `HoldingMovement.clean()`;
`extranet.services.membership.record_movement` runs it under a lock of the associate.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from extranet.constants import (
    ADDRESS_MAX,
    COLLEGE_GROUP_PREFIX,
    DEBIT_KINDS,
    NOTE_MAX,
    AssociateStatus,
    Instrument,
    MovementKind,
)
from home.money import format_euros


class College(models.Model):
    """A voting college of the SCIC (employees, beneficiaries, local authorities...).

    Each college has its own Django group ("Collège : <name>"), kept by
    `services.membership.save_college`, which staff can choose in Wagtail's privacy
    settings to restrict a page to some colleges.
    """

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("groupe"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="college",
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")

    def __str__(self):
        return self.name

    @property
    def group_name(self) -> str:
        return f"{COLLEGE_GROUP_PREFIX}{self.name}"[:150]


@dataclass(frozen=True)
class Balance:
    """What an associate holds through one instrument."""

    instrument: str
    amount_cents: int
    parts: int = 0

    @property
    def label(self) -> str:
        return str(Instrument(self.instrument).label)

    @property
    def amount_display(self) -> str:
        return format_euros(self.amount_cents)


@dataclass(frozen=True)
class Holdings:
    """Every balance of one associate (or of several), and their totals."""

    balances: tuple[Balance, ...]

    @property
    def total_cents(self) -> int:
        return sum(balance.amount_cents for balance in self.balances)

    @property
    def total_display(self) -> str:
        return format_euros(self.total_cents)

    @property
    def parts(self) -> int:
        return self.of(Instrument.PARTS).parts

    def of(self, instrument: str) -> Balance:
        return next(b for b in self.balances if b.instrument == instrument)

    @property
    def is_empty(self) -> bool:
        return not any(balance.amount_cents or balance.parts for balance in self.balances)


_SIGN = Case(When(kind__in=DEBIT_KINDS, then=Value(-1)), default=Value(1))


def _signed_sum(field: str, *, prefix: str = "", instrument: str | None = None):
    """Sum of `field` over movements, debits counted negative (0 when there is none)."""
    value = F(f"{prefix}{field}")
    debit = Q(**{f"{prefix}kind__in": DEBIT_KINDS})
    if instrument:
        only = Q(**{f"{prefix}instrument": instrument})
        signed = Case(
            When(debit & only, then=-value),
            When(only, then=value),
            default=Value(0),
            output_field=models.BigIntegerField(),
        )
    else:
        signed = Case(
            When(debit, then=-value), default=value, output_field=models.BigIntegerField()
        )
    return Coalesce(Sum(signed), Value(0), output_field=models.BigIntegerField())


class HoldingMovementQuerySet(models.QuerySet):
    def holdings(self) -> Holdings:
        """The balances of these movements per instrument (zeros included): one query."""
        sums = self.aggregate(
            **{
                f"{instrument}_cents": _signed_sum("amount_cents", instrument=instrument)
                for instrument in Instrument.values
            },
            parts=_signed_sum("quantity", instrument=Instrument.PARTS),
        )
        return Holdings(
            tuple(
                Balance(
                    instrument=instrument,
                    amount_cents=sums[f"{instrument}_cents"],
                    parts=sums["parts"] if instrument == Instrument.PARTS else 0,
                )
                for instrument in Instrument.values
            )
        )


class AssociateQuerySet(models.QuerySet):
    def active(self) -> "AssociateQuerySet":
        return self.filter(status=AssociateStatus.ACTIVE, user__is_active=True)

    def with_voting_rights(self, on) -> "AssociateQuerySet":
        """The associates who vote at an assembly held on `on` (a date): active, and
        associates by that day. One associate, one vote, whatever their capital."""
        return self.filter(status=AssociateStatus.ACTIVE, member_since__lte=on)

    def voting_at(self, assembly) -> "AssociateQuerySet":
        """The associates with voting rights at `assembly` (on its local date): those
        convened, and the quorum's denominator."""
        return self.with_voting_rights(timezone.localdate(assembly.held_at))

    def with_holdings(self) -> "AssociateQuerySet":
        """Each associate with its balances as columns (the admin listing, the export)."""
        prefix = "movements__"
        return self.annotate(
            parts_count=_signed_sum("quantity", prefix=prefix, instrument=Instrument.PARTS),
            parts_cents=_signed_sum("amount_cents", prefix=prefix, instrument=Instrument.PARTS),
            participating_cents=_signed_sum(
                "amount_cents", prefix=prefix, instrument=Instrument.PARTICIPATING
            ),
            current_account_cents=_signed_sum(
                "amount_cents", prefix=prefix, instrument=Instrument.CURRENT_ACCOUNT
            ),
            total_cents=_signed_sum("amount_cents", prefix=prefix),
        )


class Associate(models.Model):
    """An associate of the SCIC: a user of the site with a college and holdings."""

    Status = AssociateStatus

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.PROTECT,
        related_name="associate",
    )
    college = models.ForeignKey(
        College, verbose_name=_("collège"), on_delete=models.PROTECT, related_name="associates"
    )
    member_since = models.DateField(_("associé depuis le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("sorti le"), null=True, blank=True)
    organisation = models.CharField(
        _("structure représentée"),
        max_length=200,
        blank=True,
        help_text=_("Pour une collectivité, une entreprise ou une association associée."),
    )
    consent_electronic = models.BooleanField(
        _("accepte les convocations par courriel"),
        default=False,
        help_text=_("Sans cet accord écrit, les convocations partent par la poste."),
    )
    consent_date = models.DateField(_("date de l'accord"), null=True, blank=True)
    postal_address = models.TextField(
        _("adresse postale"),
        max_length=ADDRESS_MAX,
        blank=True,
        help_text=_("Pour les convocations par la poste."),
    )
    note = models.TextField(_("note interne"), max_length=NOTE_MAX, blank=True)
    # The extranet home shows the documents added since `previous_visit_at`.
    last_visit_at = models.DateTimeField(_("dernière visite"), null=True, blank=True)
    previous_visit_at = models.DateTimeField(_("visite précédente"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = AssociateQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        verbose_name = _("associé")
        verbose_name_plural = _("associés")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        user = self.user
        return user.get_full_name().strip() or user.get_username()

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_active(self) -> bool:
        return self.status == AssociateStatus.ACTIVE

    def clean(self):
        super().clean()
        errors = {}
        if self.consent_electronic and not self.consent_date:
            errors["consent_date"] = _gettext(
                "Indiquez la date à laquelle l'associé a donné son accord."
            )
        if self.status == AssociateStatus.LEFT and not self.left_on:
            errors["left_on"] = _gettext("Indiquez la date de sortie.")
        if self.status == AssociateStatus.ACTIVE and self.left_on:
            errors["left_on"] = _gettext("Un associé en activité n'a pas de date de sortie.")
        if self.left_on and self.member_since and self.left_on < self.member_since:
            errors["left_on"] = _gettext("La sortie ne peut précéder l'entrée.")
        if errors:
            raise ValidationError(errors)

    def holdings(self) -> Holdings:
        return self.movements.all().holdings()


class HoldingMovement(models.Model):
    """One dated change of an associate's holdings: the only place amounts are typed."""

    Instrument = Instrument
    Kind = MovementKind

    associate = models.ForeignKey(
        Associate, verbose_name=_("associé"), on_delete=models.PROTECT, related_name="movements"
    )
    date = models.DateField(_("date"))
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    kind = models.CharField(_("mouvement"), max_length=20, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(
        _("nombre de parts"), default=0, help_text=_("Parts sociales seulement.")
    )
    nominal_value_cents = models.PositiveIntegerField(
        _("valeur nominale d'une part (centimes)"), null=True, blank=True
    )
    amount_cents = models.PositiveBigIntegerField(_("montant (centimes)"))
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    objects = HoldingMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("mouvement de capital")
        verbose_name_plural = _("mouvements de capital")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="extranet_movement_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(instrument=Instrument.PARTS, quantity__gt=0)
                | (~Q(instrument=Instrument.PARTS) & Q(quantity=0)),
                name="extranet_movement_parts_counted",
            ),
        ]

    def __str__(self):
        return f"{self.associate} · {self.get_kind_display()} · {self.get_instrument_display()}"

    @property
    def is_debit(self) -> bool:
        return self.kind in DEBIT_KINDS

    @property
    def amount_display(self) -> str:
        return format_euros(self.amount_cents)

    def clean_fields(self, exclude=None):
        # The amount of parts is derived before the fields are checked: it is not typed.
        if (
            self.instrument == Instrument.PARTS
            and self.amount_cents is None
            and self.quantity
            and self.nominal_value_cents
        ):
            self.amount_cents = self.quantity * self.nominal_value_cents
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.instrument == Instrument.PARTS:
            self._clean_parts()
        else:
            errors = {}
            if self.quantity:
                errors["quantity"] = _gettext(
                    "Un nombre de parts ne vaut que pour les parts sociales."
                )
            if self.nominal_value_cents:
                errors["nominal_value_cents"] = _gettext(
                    "Une valeur nominale ne vaut que pour les parts sociales."
                )
            if not self.amount_cents:
                errors["amount_cents"] = _gettext("Indiquez un montant.")
            if errors:
                raise ValidationError(errors)
        if self.associate_id and self.date and self.instrument and self.kind:
            self._clean_balances()

    def _clean_parts(self):
        errors = {}
        if not self.quantity:
            errors["quantity"] = _gettext("Indiquez le nombre de parts.")
        if not self.nominal_value_cents:
            errors["nominal_value_cents"] = _gettext("Indiquez la valeur nominale d'une part.")
        if errors:
            raise ValidationError(errors)
        # The amount of parts is their count times their nominal value: never typed twice.
        expected = self.quantity * self.nominal_value_cents
        if self.amount_cents and self.amount_cents != expected:
            raise ValidationError(
                {
                    "amount_cents": _gettext(
                        "Le montant de parts sociales est leur nombre multiplié par leur "
                        "valeur nominale : %(amount)s."
                    )
                    % {"amount": format_euros(expected)}
                }
            )
        self.amount_cents = expected

    def _clean_balances(self):
        """No balance of this associate goes below zero, at any date, with this movement
        (and, when an edit moves it to another instrument or associate, without it where
        it was)."""
        targets = {(self.associate_id, self.instrument)}
        if self.pk:
            before = (
                HoldingMovement.objects.filter(pk=self.pk)
                .values_list("associate_id", "instrument")
                .first()
            )
            if before:
                targets.add(before)
        for associate_id, instrument in targets:
            rows = list(
                HoldingMovement.objects.filter(associate_id=associate_id, instrument=instrument)
                .exclude(pk=self.pk)
                .values_list("date", "kind", "amount_cents", "quantity")
            )
            if (associate_id, instrument) == (self.associate_id, self.instrument):
                rows.append((self.date, self.kind, self.amount_cents, self.quantity))
            short = first_negative_date(rows)
            if short is not None:
                label = Instrument(instrument).label
                raise ValidationError(
                    {
                        "kind" if instrument == self.instrument else "instrument": _gettext(
                            "Ce mouvement rendrait le solde (%(instrument)s) négatif au "
                            "%(date)s : l'associé ne détient pas autant."
                        )
                        % {"instrument": str(label).lower(), "date": short.strftime("%d/%m/%Y")}
                    }
                )


def first_negative_date(rows):
    """The first date at whose end the balance of (date, kind, amount, quantity) rows is
    below zero, in amount or in parts; None when it never is."""
    per_day: dict = defaultdict(lambda: [0, 0])
    for date, kind, amount, quantity in rows:
        sign = -1 if kind in DEBIT_KINDS else 1
        per_day[date][0] += sign * (amount or 0)
        per_day[date][1] += sign * (quantity or 0)
    amount = parts = 0
    for date in sorted(per_day):
        amount += per_day[date][0]
        parts += per_day[date][1]
        if amount < 0 or parts < 0:
            return date
    return None
