"""Write-side rules of membership: colleges and their groups, associates, holdings,
the CSV import, visits of the extranet home.

The groups follow the associates: an active associate's user is in "Associés" and in
their college's group ("Collège : …"), and in no other college group; an associate
who left is in none of them. Every function that changes an associate or a college
calls `sync_groups`, so Wagtail's page restrictions always see the membership as it is.
These groups carry no permission: an associate never reaches Wagtail's admin.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from extranet.constants import (
    COLLEGE_GROUP_PREFIX,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_LINES,
    IMPORT_OPTIONAL_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    VISIT_GAP,
    AssociateStatus,
    Instrument,
    MovementKind,
)
from extranet.models import Associate, College, HoldingMovement, associates_group, format_euros
from extranet.services import accounts
from home.text import clean_text, normalize_email

# --- colleges and groups ------------------------------------------------------------


@transaction.atomic
def save_college(*, college: College) -> College:
    """Save a college and keep its group named after it ("Collège : <name>")."""
    college.full_clean()
    college.save()
    group = college.group
    if group is None:
        group, _created = Group.objects.get_or_create(name=college.group_name)
        college.group = group
        college.save(update_fields=["group"])
    elif group.name != college.group_name:
        group.name = college.group_name
        group.save(update_fields=["name"])
    return college


def sync_groups(*, associate: Associate) -> None:
    """Put the associate's user in the groups their membership gives, and out of the
    others (the associates' group and every college group)."""
    user = associate.user
    college_groups = set(
        Group.objects.filter(name__startswith=COLLEGE_GROUP_PREFIX).values_list("pk", flat=True)
    )
    college_groups |= set(College.objects.exclude(group=None).values_list("group_id", flat=True))
    managed = college_groups | {associates_group().pk}
    wanted = set()
    if associate.status == AssociateStatus.ACTIVE:
        wanted.add(associates_group().pk)
        college = associate.college
        if college.group_id is None:
            save_college(college=college)
        wanted.add(college.group_id)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


# --- associates ---------------------------------------------------------------------


def username_for(email: str) -> str:
    """The login of an associate created by staff: their email address, lower-cased."""
    return normalize_email(email)[:150]


@transaction.atomic
def create_associate(
    *,
    email: str,
    first_name: str,
    last_name: str,
    college: College,
    member_since: datetime.date,
    status: str = AssociateStatus.ACTIVE,
    left_on: datetime.date | None = None,
    organisation: str = "",
    consent_electronic: bool = False,
    consent_date: datetime.date | None = None,
    postal_address: str = "",
    note: str = "",
    username: str | None = None,
) -> Associate:
    """A new associate and their account (username: the email address, unless given),
    without a usable password: `invite` sends them the link to choose one.

    An existing account with this address that is not an associate yet is used (a staff
    member who becomes an associate); one that already is raises ValidationError.
    """
    User = get_user_model()
    email = normalize_email(email)
    validate_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        username = username or username_for(email)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"email": f"Un compte porte déjà cet identifiant : {username}."})
        user = User(username=username, email=email)
        user.set_unusable_password()
    elif Associate.objects.filter(user=user).exists():
        raise ValidationError({"email": "Cette adresse est déjà celle d'un associé."})
    user.first_name = clean_text(first_name).strip()[:150]
    user.last_name = clean_text(last_name).strip()[:150]
    user.full_clean(exclude=["password"])
    user.save()
    associate = Associate(
        user=user,
        college=college,
        member_since=member_since,
        status=status,
        left_on=left_on,
        organisation=clean_text(organisation).strip(),
        consent_electronic=consent_electronic,
        consent_date=consent_date,
        postal_address=clean_text(postal_address, multiline=True).strip(),
        note=clean_text(note, multiline=True).strip(),
    )
    associate.full_clean()
    associate.save()
    sync_groups(associate=associate)
    return associate


@transaction.atomic
def save_associate(
    *,
    associate: Associate,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> Associate:
    """Save an edited associate (admin form), with their name and address on the account
    when given, and move their groups with their status or college."""
    user = associate.user
    if email is not None:
        email = normalize_email(email)
        validate_email(email)
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": "Un autre compte a déjà cette adresse."})
        user.email = email
    if first_name is not None:
        user.first_name = clean_text(first_name).strip()[:150]
    if last_name is not None:
        user.last_name = clean_text(last_name).strip()[:150]
    if {first_name, last_name, email} != {None}:
        user.full_clean(exclude=["password"])
        user.save(update_fields=["first_name", "last_name", "email"])
    associate.full_clean()
    associate.save()
    sync_groups(associate=associate)
    return associate


def invite_associate(*, associate: Associate, invited_by=None) -> None:
    """Email the associate the link to choose their password (extranet.services.accounts).

    Raises ValueError (a French sentence) for an account without an address or
    deactivated, or an associate who left."""
    if associate.status != AssociateStatus.ACTIVE:
        raise ValueError("Cet associé est sorti de la coopérative : il n'a plus d'accès.")
    accounts.invite(user=associate.user, invited_by=invited_by)


def record_visit(*, associate: Associate, now: datetime.datetime | None = None):
    """Note a visit of the extranet home; return the moment "new since your last visit"
    counts from (None on a first visit).

    A visit within VISIT_GAP of the previous page view continues it: reloading the page
    keeps showing the same new documents."""
    now = now or timezone.now()
    last = associate.last_visit_at
    previous = associate.previous_visit_at
    if last is not None and now - last > VISIT_GAP:
        previous = last
    Associate.objects.filter(pk=associate.pk).update(last_visit_at=now, previous_visit_at=previous)
    associate.last_visit_at, associate.previous_visit_at = now, previous
    return previous


# --- holdings -----------------------------------------------------------------------


@transaction.atomic
def record_movement(*, movement: HoldingMovement) -> HoldingMovement:
    """Save a movement (new or edited) once the associate is locked, so two repayments
    recorded at once cannot both take the same balance (`clean` refuses below zero)."""
    Associate.objects.select_for_update().filter(pk=movement.associate_id).first()
    if movement.pk:
        before = HoldingMovement.objects.filter(pk=movement.pk).values("associate_id").first()
        if before and before["associate_id"] != movement.associate_id:
            Associate.objects.select_for_update().filter(pk=before["associate_id"]).first()
    movement.full_clean()
    movement.save()
    return movement


# --- CSV import ---------------------------------------------------------------------


@dataclass
class ImportLine:
    number: int
    email: str = ""
    name: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    associate_id: int | None = None


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), line by line, in French."""

    dry_run: bool
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    created_users: int = 0
    created_associates: int = 0
    created_movements: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not any(line.errors for line in self.lines)

    @property
    def error_lines(self) -> list[ImportLine]:
        return [line for line in self.lines if line.errors]

    @property
    def associate_ids(self) -> list[int]:
        return [line.associate_id for line in self.lines if line.associate_id]

    def messages(self) -> list[str]:
        """Every error as one French sentence: the file's, then "Ligne N : …"."""
        return [*self.errors] + [
            f"Ligne {line.number} : {error}" for line in self.lines for error in line.errors
        ]


class _DryRun(Exception):
    """Rolls a dry run back, once everything was checked the way a real import would."""


_TRUE = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}
_FALSE = {"non", "n", "no", "0", "false", "faux", ""}
_STATUSES = {
    "": AssociateStatus.ACTIVE,
    "associe": AssociateStatus.ACTIVE,
    "actif": AssociateStatus.ACTIVE,
    "active": AssociateStatus.ACTIVE,
    "sorti": AssociateStatus.LEFT,
    "left": AssociateStatus.LEFT,
}


def _key(text: str) -> str:
    """ "Collège des Salariés " -> "college-des-salaries": to compare headers and names."""
    text = unicodedata.normalize("NFKD", text or "")
    return slugify("".join(char for char in text if not unicodedata.combining(char)))


def _parse_date(value: str) -> datetime.date:
    value = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_euros(value: str) -> int:
    """ "1 000,50 €" -> 100050 cents; raises ValueError."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", value).replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(value)
    return int(amount * 100)


def _read_rows(csv_text: str, report: ImportReport):
    """(line number, {column: cell}) for each data line; file errors go to the report."""
    if len(csv_text.encode("utf-8")) > IMPORT_MAX_BYTES:
        report.errors.append(f"Le fichier dépasse {IMPORT_MAX_BYTES // 1000} Ko : découpez-le.")
        return []
    text = csv_text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append("Le fichier est vide.")
        return []
    except csv.Error:
        report.errors.append("Le fichier n'est pas un CSV lisible.")
        return []
    columns = [_key(name).replace("-", "_") for name in header]
    known = set(IMPORT_REQUIRED_COLUMNS) | set(IMPORT_OPTIONAL_COLUMNS)
    missing = [name for name in IMPORT_REQUIRED_COLUMNS if name not in columns]
    if missing:
        report.errors.append(f"Colonnes manquantes dans la première ligne : {', '.join(missing)}.")
        return []
    unknown = [header[i] for i, name in enumerate(columns) if name and name not in known]
    if unknown:
        possible = ", ".join([*IMPORT_REQUIRED_COLUMNS, *IMPORT_OPTIONAL_COLUMNS])
        report.errors.append(
            f"Colonnes inconnues : {', '.join(unknown)} (colonnes possibles : {possible})."
        )
        return []
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= IMPORT_MAX_LINES:
                report.errors.append(f"Le fichier dépasse {IMPORT_MAX_LINES} lignes : découpez-le.")
                return []
            row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns)}
            rows.append((reader.line_num, row))
    except csv.Error as error:
        report.errors.append(f"Ligne {reader.line_num} : CSV illisible ({error}).")
        return []
    return rows


def import_associates(
    csv_text: str, *, dry_run: bool, invited_by=None, invite=False
) -> ImportReport:
    """Create the associates of a CSV file: their account (username: the address), their
    profile and their opening holdings (subscriptions dated `date_souscription`, or
    `membre_depuis`).

    All or nothing: a file with any error imports nothing, and the report says what to
    fix, line by line, in French. A dry run goes through every step of the real import
    (so it finds the same errors), then rolls everything back: it changes nothing.
    With `invite`, each new associate is sent the link to choose a password, after commit.

    Columns (first line, any order, `;` or `,`): courriel, prenom, nom, college (name or
    identifier), membre_depuis (JJ/MM/AAAA); optional: statut (associé/sorti),
    consentement_electronique (oui/non), date_consentement, adresse, parts_sociales
    (a number of parts), valeur_nominale (euros a part), titres_participatifs and
    compte_courant (euros), date_souscription.
    """
    report = ImportReport(dry_run=dry_run)
    rows = _read_rows(csv_text, report)
    if report.errors:
        return report
    if not rows:
        report.errors.append("Le fichier ne contient aucune ligne d'associé.")
        return report
    colleges = {}
    for college in College.objects.all():
        colleges[_key(college.name)] = college
        colleges[_key(college.slug)] = college
    college_names = ", ".join(College.objects.values_list("name", flat=True))
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            for number, row in rows:
                line = ImportLine(number=number)
                report.lines.append(line)
                _import_row(row, line, report, colleges, college_names, seen)
            if dry_run or not report.ok:
                raise _DryRun
            if invite:
                for line in report.lines:
                    invite_associate(
                        associate=Associate.objects.get(pk=line.associate_id),
                        invited_by=invited_by,
                    )
    except _DryRun:
        for line in report.lines:
            line.associate_id = None
    return report


def _import_row(row, line: ImportLine, report, colleges, college_names, seen) -> None:
    def cell(name: str) -> str:
        try:
            return clean_text(row.get(name, "") or "").strip()
        except ValidationError:
            line.errors.append(f"la colonne « {name} » contient des caractères de contrôle.")
            return ""

    email = normalize_email(cell("courriel"))
    line.email = email
    line.name = f"{cell('prenom')} {cell('nom')}".strip()
    if not email:
        line.errors.append("l'adresse électronique (courriel) manque.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            line.errors.append(f"l'adresse électronique « {email} » n'est pas valide.")
        if email in seen:
            line.errors.append(f"l'adresse {email} figure déjà ligne {seen[email]}.")
        else:
            seen[email] = line.number
    if not cell("nom"):
        line.errors.append("le nom manque.")
    college = colleges.get(_key(cell("college")))
    if college is None:
        line.errors.append(f"collège inconnu « {cell('college')} » (collèges : {college_names}).")

    def date_of(name: str, *, required: bool = False):
        value = cell(name)
        if not value:
            if required:
                line.errors.append(f"la date « {name} » manque.")
            return None
        try:
            return _parse_date(value)
        except ValueError:
            line.errors.append(
                f"date illisible dans « {name} » : « {value} » (attendu JJ/MM/AAAA)."
            )
            return None

    def euros_of(name: str) -> int:
        value = cell(name)
        if not value:
            return 0
        try:
            return _parse_euros(value)
        except ValueError:
            line.errors.append(
                f"montant illisible dans « {name} » : « {value} » (attendu en euros, "
                "par exemple 1500 ou 1 500,50)."
            )
            return 0

    member_since = date_of("membre_depuis", required=True)
    consent_date = date_of("date_consentement")
    subscribed_on = date_of("date_souscription") or member_since
    status = _STATUSES.get(_key(cell("statut")))
    if status is None:
        line.errors.append(f"statut inconnu « {cell('statut')} » (associé ou sorti).")
    consent_text = _key(cell("consentement_electronique"))
    if consent_text not in _TRUE | _FALSE:
        line.errors.append(
            f"consentement électronique « {cell('consentement_electronique')} » : "
            "répondez oui ou non."
        )
    consent = consent_text in _TRUE
    if consent and consent_date is None:
        line.errors.append(
            "consentement électronique sans sa date (date_consentement) : indiquez-la."
        )
    parts_text = cell("parts_sociales")
    parts = 0
    if parts_text:
        if parts_text.isdigit():
            parts = int(parts_text)
        else:
            line.errors.append(
                f"nombre de parts sociales illisible : « {parts_text} » (un nombre entier)."
            )
    nominal = euros_of("valeur_nominale")
    if parts and not nominal:
        line.errors.append("des parts sociales sans leur valeur nominale (valeur_nominale).")
    participating = euros_of("titres_participatifs")
    current_account = euros_of("compte_courant")
    if line.errors:
        return
    if status == AssociateStatus.LEFT:
        line.errors.append(
            "un associé sorti ne s'importe pas : saisissez-le dans l'administration."
        )
        return
    try:
        with transaction.atomic():
            User = get_user_model()
            existed = User.objects.filter(email__iexact=line.email).exists()
            associate = create_associate(
                email=line.email,
                first_name=cell("prenom"),
                last_name=cell("nom"),
                college=college,
                member_since=member_since,
                status=status,
                consent_electronic=consent,
                consent_date=consent_date if consent else None,
                postal_address=row.get("adresse", "") or "",
            )
            if existed:
                line.notes.append("compte existant rattaché")
            else:
                report.created_users += 1
            report.created_associates += 1
            openings = [
                (Instrument.PARTS, parts * nominal, parts, nominal),
                (Instrument.PARTICIPATING, participating, 0, None),
                (Instrument.CURRENT_ACCOUNT, current_account, 0, None),
            ]
            for instrument, amount, quantity, value in openings:
                if not amount:
                    continue
                record_movement(
                    movement=HoldingMovement(
                        associate=associate,
                        date=subscribed_on,
                        instrument=instrument,
                        kind=MovementKind.SUBSCRIPTION,
                        quantity=quantity,
                        nominal_value_cents=value,
                        amount_cents=amount,
                        note="Reprise à l'import",
                    )
                )
                report.created_movements += 1
                line.notes.append(f"{Instrument(instrument).label} : {format_euros(amount)}")
            line.associate_id = associate.pk
    except ValidationError as error:
        for messages in (
            error.message_dict.values() if hasattr(error, "error_dict") else [error.messages]
        ):
            line.errors.extend(str(message) for message in messages)
