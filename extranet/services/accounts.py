"""Accounts of the associates and the staff: invitations, password-reset emails and
two-factor authentication (TOTP, django-otp).

Every email goes through the site's one outbox (`home.outbox.queue_email`). Links that
set a password are Django's signed tokens (no table): they expire after
PASSWORD_RESET_TIMEOUT (INVITATION_DAYS) and stop working once used, because the hash
covers the password and the last login, which setting a password and logging in change.

    invite(user=associate, invited_by=request.user)   # the admin's "Inviter", the CSV import
"""

from base64 import b32encode
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.links import absolute_url
from home.outbox import queue_email

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

INVITATION_KIND = "extranet.invitation"
PASSWORD_RESET_KIND = "extranet.password_reset"  # noqa: S105 (an email kind, not a password)
# Who must give a code after the password, whatever their own choice (OTP_REQUIRED_FOR_STAFF).
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token under another salt: an invitation link only works
    at the welcome address, and a reset link only at the reset address."""

    key_salt = "extranet.services.accounts.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


def link_lifetime_days() -> int:
    """How long an invitation or reset link stays valid, in whole days (at least 1)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def invitation_url(user: "AbstractBaseUser") -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return absolute_url(reverse("accounts:welcome", args=[uidb64, token]))


def invite(*, user: "AbstractBaseUser", invited_by: "AbstractBaseUser | None" = None) -> None:
    """Email `user` a link to choose their password, valid INVITATION_DAYS days, once.

    Sending it again is harmless: every link stays valid until one of them is used.
    Raises ValueError for an account without an email address or a deactivated one
    (the caller says so to the staff member; nothing is queued).
    """
    email = getattr(user, user.get_email_field_name(), "") or ""
    if not email:
        raise ValueError("Ce compte n'a pas d'adresse électronique : impossible de l'inviter.")
    if not user.is_active:
        raise ValueError("Ce compte est désactivé : réactivez-le avant de l'inviter.")
    with transaction.atomic():
        queue_email(
            to=email,
            subject="Votre accès à l'espace des associés du Clus'Ter Jura",
            template="extranet/emails/invitation",
            context={
                "user": user,
                "username": user.get_username(),
                "invited_by": _display_name(invited_by) if invited_by is not None else "",
                "link": invitation_url(user),
                "login_url": absolute_url(reverse("accounts:login")),
                "reset_url": absolute_url(reverse("accounts:password_reset")),
                "days": link_lifetime_days(),
            },
            kind=INVITATION_KIND,
            about=user,
        )


def send_password_reset(*, user: "AbstractBaseUser", to: str, uidb64: str, token: str) -> None:
    """Queue the reset email that Django's PasswordResetForm prepared (uid and token)."""
    queue_email(
        to=to,
        subject="Nouveau mot de passe pour votre compte Clus'Ter Jura",
        template="extranet/emails/password_reset",
        context={
            "user": user,
            "username": user.get_username(),
            "link": absolute_url(reverse("accounts:password_reset_confirm", args=[uidb64, token])),
            "days": link_lifetime_days(),
        },
        kind=PASSWORD_RESET_KIND,
        about=user,
    )


def _display_name(user: "AbstractBaseUser") -> str:
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name.strip() or user.get_username()


# --- two-factor authentication (TOTP) ----------------------------------------------


def two_factor_required(user: "AbstractBaseUser") -> bool:
    """Staff who can open Wagtail's admin must give a code (unless switched off)."""
    return bool(
        settings.OTP_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and user.has_perm(ADMIN_ACCESS_PERMISSION)
    )


def confirmed_device(user: "AbstractBaseUser") -> TOTPDevice | None:
    """The user's authenticator, once confirmed with a first code."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user: "AbstractBaseUser") -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user: "AbstractBaseUser") -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that
    reloading the page after scanning the QR code does not change it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name="Application d'authentification", confirmed=False)
        device.full_clean()
        device.save()
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for people who type it instead of scanning."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(data: str) -> str:
    """An SVG QR code drawn here (no image library, no request to another host)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=8,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return image.to_string(encoding="unicode")


class CodeRefused(Exception):
    """A code that does not verify; `wait_seconds` is set while the device is throttled."""

    def __init__(self, wait_seconds: int | None = None):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


def verify_code(*, device: TOTPDevice, code: str, confirm: bool = False) -> None:
    """Check one code against one device, under its row lock, or raise CodeRefused.

    A code is accepted once (django-otp remembers the last time step used) and each
    failure doubles the wait before the next try (django-otp's throttling, counted on
    the device and committed even though the code is refused). With `confirm`, a first
    good code finishes the set-up: the device is confirmed and replaces any other.
    """
    code = "".join(str(code).split())
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code)
        if verified and confirm:
            TOTPDevice.objects.filter(user_id=locked.user_id).exclude(pk=locked.pk).delete()
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
    if not allowed:
        raise CodeRefused(wait_seconds=_seconds_until(details))
    if not verified:
        raise CodeRefused()
    device.refresh_from_db()


def disable_two_factor(*, user: "AbstractBaseUser") -> None:
    """Remove every authenticator of the user (once the view checked password and code)."""
    TOTPDevice.objects.filter(user=user).delete()


def _seconds_until(details: dict | None) -> int | None:
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return None
    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
