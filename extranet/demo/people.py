"""Demo accounts of the extranet: three associates in three colleges, with holdings,
and `visiteur`, who can log in but is no associate.

Accounts with a known or printed password have no place on a real site: they are
created only with DEBUG on (`make run`), or when asked explicitly with DEMO_USERS=1
(or `load(allowed=True)`, as the tests do). The password is DEMO_PASSWORD when set,
otherwise generated and printed once; loading again leaves it unchanged unless
DEMO_PASSWORD is given.
"""

import datetime
import os
import secrets
import sys

from django.conf import settings
from django.contrib.auth import get_user_model

from extranet.constants import DEFAULT_COLLEGES, Instrument, MovementKind
from extranet.models import Associate, College, HoldingMovement
from extranet.services import membership

# username, first name, last name, college slug, organisation, member since, consent date
ASSOCIATES = [
    (
        "associe1",
        "Camille",
        "Vuillet",
        "salaries",
        "",
        datetime.date(2019, 3, 15),
        datetime.date(2019, 3, 15),
    ),
    (
        "associe2",
        "Dominique",
        "Mercier",
        "collectivites",
        "Commune de Conliège (démonstration)",
        datetime.date(2016, 6, 1),
        datetime.date(2021, 5, 3),
    ),
    (
        "associe3",
        "Alix",
        "Girod",
        "partenaires",
        "Menuiserie coopérative du Revermont (démonstration)",
        datetime.date(2018, 5, 2),
        None,
    ),
]
PART_VALUE_CENTS = 5000  # 50 € a part (demo figure)
# username -> (date, instrument, kind, parts, amount in cents)
MOVEMENTS = {
    "associe1": [
        (datetime.date(2019, 3, 15), Instrument.PARTS, MovementKind.SUBSCRIPTION, 4, 20000),
    ],
    "associe2": [
        (datetime.date(2016, 6, 1), Instrument.PARTS, MovementKind.SUBSCRIPTION, 40, 200000),
        (
            datetime.date(2020, 12, 1),
            Instrument.PARTICIPATING,
            MovementKind.SUBSCRIPTION,
            0,
            500000,
        ),
    ],
    "associe3": [
        (datetime.date(2018, 5, 2), Instrument.PARTS, MovementKind.SUBSCRIPTION, 10, 50000),
        (
            datetime.date(2019, 1, 10),
            Instrument.CURRENT_ACCOUNT,
            MovementKind.SUBSCRIPTION,
            0,
            300000,
        ),
        (datetime.date(2021, 1, 11), Instrument.CURRENT_ACCOUNT, MovementKind.REPAYMENT, 0, 100000),
    ],
}
VISITOR = "visiteur"
USERNAMES = [username for username, *_rest in ASSOCIATES] + [VISITOR]


def allowed_by_settings() -> bool:
    return bool(settings.DEBUG or getattr(settings, "DEMO_USERS", False))


def ensure_colleges() -> None:
    """The seeded colleges, recreated if missing (a flushed test database)."""
    for order, (slug, name, description) in enumerate(DEFAULT_COLLEGES):
        if not College.objects.filter(slug=slug).exists():
            membership.save_college(
                college=College(slug=slug, name=name, description=description, sort_order=order)
            )


def load(*, allowed: bool | None = None, out=None) -> list[Associate]:
    """The demo associates (created if missing), or [] when demo accounts are not allowed."""
    out = out or sys.stdout
    if allowed is None:
        allowed = allowed_by_settings()
    if not allowed:
        out.write(
            "Comptes de démonstration de l'extranet non créés : DEBUG est désactivé "
            "(DEMO_USERS=1 pour les créer quand même).\n"
        )
        return []
    ensure_colleges()
    User = get_user_model()
    password = os.environ.get("DEMO_PASSWORD", "").strip()
    existing = set(User.objects.filter(username__in=USERNAMES).values_list("username", flat=True))
    generated = ""
    if not password and len(existing) < len(USERNAMES):
        generated = password = secrets.token_urlsafe(12)
    associates = []
    for username, first, last, college_slug, organisation, since, consent in ASSOCIATES:
        associate = Associate.objects.filter(user__username=username).first()
        if associate is None:
            associate = membership.create_associate(
                username=username,
                email=f"{username}@example.org",
                first_name=first,
                last_name=last,
                college=College.objects.get(slug=college_slug),
                member_since=since,
                organisation=organisation,
                consent_electronic=consent is not None,
                consent_date=consent,
                postal_address="" if consent else "Chemin des Gentianes\n39570 Conliège",
            )
            for date, instrument, kind, parts, amount in MOVEMENTS[username]:
                membership.record_movement(
                    movement=HoldingMovement(
                        associate=associate,
                        date=date,
                        instrument=instrument,
                        kind=kind,
                        quantity=parts,
                        nominal_value_cents=PART_VALUE_CENTS if parts else None,
                        amount_cents=amount,
                        note="Démonstration",
                    )
                )
        associates.append(associate)
    if not User.objects.filter(username=VISITOR).exists():
        User.objects.create(
            username=VISITOR, email="visiteur@example.org", first_name="Sacha", last_name="Visiteur"
        )
    if password:
        for user in User.objects.filter(username__in=USERNAMES):
            if generated and user.username in existing:
                continue  # a password already printed once stays
            user.set_password(password)
            user.save(update_fields=["password"])
        out.write(
            "Espace des associés (/extranet/, connexion : /compte/connexion/) :\n"
            f"  associés : associe1, associe2, associe3   sans accès : visiteur   "
            f"mot de passe : {password}\n"
        )
    # Fresh from the database: the passwords just set change the session hash.
    return list(
        Associate.objects.select_related("user", "college")
        .filter(pk__in=[associate.pk for associate in associates])
        .order_by("user__username")
    )
