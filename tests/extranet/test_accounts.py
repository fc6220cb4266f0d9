"""Accounts under /compte/: login (username or email, safe `next` only, throttled),
logout by POST, CSRF on every form, Secure and HttpOnly cookies, password reset that
says nothing about the address, invitations whose link works once, two-factor
authentication (optional for associates, required for staff), and the login flow of
the extranet's private pages (login then back; logged in outside the group: a 403).
"""

import datetime
import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, PageViewRestriction

from extranet.services import accounts
from home.models import HomePage, OutboxEmail, StandardPage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/compte/connexion/"
LOGOUT = "/compte/deconnexion/"
VERIFY = "/compte/code/"
TWO_FACTOR = "/compte/double-authentification/"
PASSWORD_CHANGE = "/compte/mot-de-passe/"
RESET = "/compte/mot-de-passe/oubli/"
RESET_DONE = "/compte/mot-de-passe/oubli/envoye/"
PASSWORD = "un-mot-de-passe-solide-42"
NEW_PASSWORD = "un-autre-mot-de-passe-solide-43"
EXTRANET = "/extranet/"
PRIVATE_CHILD = "/extranet/dossier-prive/"
PRIVATE_TITLE = "Comptes annuels confidentiels"


def text(response) -> str:
    return html.unescape(response.content.decode())


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- people and pages -------------------------------------------------------------------


@pytest.fixture
def associates_group(db):
    return Group.objects.get_or_create(name="Associés (tests)")[0]


@pytest.fixture
def extranet(demo_site, associates_group):
    """/extranet/ restricted to a group, with a private child page. The page is the
    demo's extranet home when one exists, else a plain standard page at that slug; the
    tests that need a page to render ask for the child, a plain standard page."""
    home = HomePage.objects.get()
    page = Page.objects.child_of(home).filter(slug="extranet").first()
    if page is None:
        page = home.add_child(instance=StandardPage(title="Espace des associés", slug="extranet"))
    PageViewRestriction.objects.filter(page__path__startswith=page.path).delete()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(associates_group)
    page.add_child(
        instance=StandardPage(
            title=PRIVATE_TITLE, slug="dossier-prive", intro="Le résultat de l'exercice."
        )
    )
    return page


@pytest.fixture
def associate(associates_group):
    user = get_user_model().objects.create_user(
        "camille", "camille.durand@example.org", PASSWORD, first_name="Camille"
    )
    user.groups.add(associates_group)
    return user


@pytest.fixture
def outsider(db):
    """Logged in, but no associate."""
    return get_user_model().objects.create_user("passant", "passant@example.org", PASSWORD)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("equipe", "equipe@example.org", PASSWORD)


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    return settings


def login(client, identifier: str, password: str = PASSWORD, next: str | None = None):
    data = {"username": identifier, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(LOGIN, data)


# --- TOTP helpers --------------------------------------------------------------------------


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def give_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)


# --- login ---------------------------------------------------------------------------------


def test_the_login_page_is_french_and_offers_the_password_reset(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = text(response)
    assert 'lang="fr"' in page
    assert "<h1>Connexion</h1>" in page
    assert "Identifiant ou adresse électronique" in page and "Mot de passe" in page
    assert 'href="/compte/mot-de-passe/oubli/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response.headers["Cache-Control"].startswith("max-age=0")  # never cached


@pytest.mark.parametrize(
    "identifier", ["camille", "camille.durand@example.org", "Camille.Durand@Example.org"]
)
def test_an_associate_logs_in_with_username_or_email_and_lands_on_the_extranet(
    client, extranet, associate, identifier
):
    response = login(client, identifier)
    assert response.status_code == 302
    assert response.url == EXTRANET
    assert logged_in(client)
    assert client.get(PRIVATE_CHILD).status_code == 200


def test_staff_without_next_land_on_the_admin(client, staff):
    response = login(client, "equipe")
    assert response.status_code == 302 and response.url == "/admin/"


def test_a_wrong_password_says_so_in_french_and_logs_nobody_in(client, associate):
    response = login(client, "camille", "pas-le-bon")
    assert response.status_code == 200
    assert not logged_in(client)
    page = text(response)
    assert "Identifiant ou mot de passe incorrect" in page
    assert "Vous n'êtes pas connecté : 1 point à corriger" in page
    assert "<title>Erreur : Connexion" in page


def test_an_address_shared_by_two_accounts_logs_in_neither_by_email(client, associate):
    get_user_model().objects.create_user("camille2", "camille.durand@example.org", PASSWORD)
    assert login(client, "camille.durand@example.org").status_code == 200
    assert not logged_in(client)
    assert login(client, "camille").status_code == 302  # the username still works


def test_a_deactivated_account_cannot_log_in(client, associate):
    associate.is_active = False
    associate.save()
    assert login(client, "camille").status_code == 200
    assert not logged_in(client)


def test_login_honours_a_safe_next(client, extranet, associate):
    shown = client.get(LOGIN, {"next": PRIVATE_CHILD})
    assert f'name="next" value="{PRIVATE_CHILD}"' in shown.content.decode()

    response = login(client, "camille", next=PRIVATE_CHILD)
    assert response.status_code == 302 and response.url == PRIVATE_CHILD
    assert PRIVATE_TITLE in text(client.get(PRIVATE_CHILD))


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "http://testserver/extranet/",  # even this host: only paths are followed
        "extranet/",
    ],
)
def test_an_open_redirect_next_is_ignored(client, associate, evil):
    shown = client.get(LOGIN, {"next": evil})
    assert "evil" not in shown.content.decode()
    response = login(client, "camille", next=evil)
    assert response.status_code == 302
    assert response.url == EXTRANET, f"{evil!r} was followed"


def test_wagtails_front_end_login_form_leads_to_the_sites_one(client):
    response = client.get("/_util/login/?next=/extranet/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/extranet/"


def test_the_wagtail_admin_keeps_its_own_login_page(client, staff):
    assert django_settings.LOGIN_URL == LOGIN
    assert django_settings.WAGTAIL_FRONTEND_LOGIN_URL == LOGIN
    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/admin/login/")
    assert client.get("/admin/login/").status_code == 200
    response = client.post("/admin/login/", {"username": "equipe", "password": PASSWORD})
    assert response.status_code == 302 and logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_no_password_reset_email_of_its_own(client):
    """Staff use /compte/mot-de-passe/oubli/ (outbox, rate limit)."""
    assert client.get("/admin/password_reset/").status_code == 404
    login_page = client.get("/admin/login/").content.decode()
    assert 'href="/compte/mot-de-passe/oubli/"' in login_page


# --- logout --------------------------------------------------------------------------------


def test_logout_needs_a_post(client, associate):
    client.force_login(associate)

    shown = client.get(LOGOUT)
    assert shown.status_code == 200
    assert "Se déconnecter" in text(shown)
    assert logged_in(client), "a GET (a link, a prefetch, an image) logs nobody out"

    response = client.post(LOGOUT)
    assert response.status_code == 200
    assert "Vous êtes déconnecté" in text(response)
    assert not logged_in(client)


def test_logout_follows_only_a_safe_next(client, associate):
    client.force_login(associate)
    assert client.post(LOGOUT, {"next": "https://evil.example/"}).status_code == 200
    client.force_login(associate)
    response = client.post(LOGOUT, {"next": LOGIN})
    assert response.status_code == 302 and response.url == LOGIN


# --- throttling (django-axes, production AXES_* settings) ----------------------------------

ATTACKER = "203.0.113.9"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def throttle_on(settings):
    settings.AXES_ENABLED = True
    return settings


def attempt(identifier: str, password: str, ip: str = ATTACKER):
    browser = Client(REMOTE_ADDR=ip)
    response = login(browser, identifier, password)
    response.logged_in = logged_in(browser)
    return response


def assert_locked(response):
    assert response.status_code == 429
    assert not response.logged_in
    page = text(response)
    assert "Trop de tentatives de connexion" in page
    assert f"après {django_settings.AXES_FAILURE_LIMIT} essais" in page
    assert 'href="/compte/connexion/"' in page  # back to this login page


def test_login_locks_after_the_configured_failures_and_unlocks_after_the_delay(
    throttle_on, associate
):
    limit = django_settings.AXES_FAILURE_LIMIT
    for number in range(limit - 1):
        failed = attempt("camille", f"faux-{number}")
        assert failed.status_code == 200 and not failed.logged_in
    assert_locked(attempt("camille", "encore-faux"))
    assert_locked(attempt("camille", PASSWORD))  # even the right password
    assert_locked(attempt("camille", PASSWORD, ip=ELSEWHERE))  # the account is locked

    past = django_settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    for row in AccessAttempt.objects.all():
        row.attempt_time -= past
        row.save(update_fields=["attempt_time"])

    assert attempt("camille", PASSWORD).logged_in


def test_failures_typed_with_the_email_count_against_the_account(throttle_on, associate):
    """Alternating username and email address does not double the guesses."""
    limit = django_settings.AXES_FAILURE_LIMIT
    for number in range(limit - 1):
        identifier = "camille.durand@example.org" if number % 2 else "CAMILLE.DURAND@example.org"
        attempt(identifier, f"faux-{number}", ip=f"192.0.2.{number + 1}")
    assert_locked(attempt("camille", "encore-faux", ip=ELSEWHERE))
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"camille"}


def test_an_address_trying_many_accounts_is_locked(throttle_on, associate):
    for number in range(django_settings.AXES_FAILURE_LIMIT - 1):
        attempt(f"inconnu-{number}@example.org", "faux")
    assert_locked(attempt("inconnu-dernier", "faux"))
    assert_locked(attempt("camille", PASSWORD))
    assert attempt("camille", PASSWORD, ip=ELSEWHERE).logged_in


# --- CSRF: every POST form of /compte/ refuses a request without the token ----------------


def csrf_client(user=None) -> Client:
    browser = Client(enforce_csrf_checks=True)
    if user is not None:
        browser.force_login(user)
    return browser


def set_password_url(browser: Client, link_path: str) -> str:
    """Follow an emailed link to the form page (the token moves into the session)."""
    response = browser.get(link_path)
    assert response.status_code == 302, "a valid link redirects to the form"
    return response.url


def test_every_account_form_refuses_a_post_without_csrf_token(associate):
    anonymous_forms = {
        LOGIN: {"username": "camille", "password": PASSWORD},
        RESET: {"email": "camille.durand@example.org"},
    }
    for path, data in anonymous_forms.items():
        response = csrf_client().post(path, data)
        assert response.status_code == 403, path

    for path, data in {
        LOGOUT: {},
        PASSWORD_CHANGE: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        TWO_FACTOR: {"code": "123456"},
    }.items():
        browser = csrf_client(associate)
        response = browser.post(path, data)
        assert response.status_code == 403, path
        assert logged_in(browser), path

    device = give_device(associate)
    browser = csrf_client(associate)
    assert browser.post(VERIFY, {"code": code_for(device)}).status_code == 403
    device.delete()

    uidb64 = urlsafe_base64_encode(force_bytes(associate.pk))
    choose = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    links = [
        f"/compte/mot-de-passe/nouveau/{uidb64}/{default_token_generator.make_token(associate)}/",
        f"/compte/bienvenue/{uidb64}/{accounts.invitation_token_generator.make_token(associate)}/",
    ]
    for link in links:
        browser = csrf_client()
        response = browser.post(set_password_url(browser, link), choose)
        assert response.status_code == 403, link

    associate.refresh_from_db()
    assert associate.check_password(PASSWORD), "nothing changed"
    assert not OutboxEmail.objects.exists()


def test_the_forms_carry_the_token_and_work_with_csrf_checks_on(associate):
    """The same protection lets the real forms through (the token is in the page)."""
    browser = csrf_client()
    page = browser.get(LOGIN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        LOGIN, {"username": "camille", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and logged_in(browser)


# --- cookies ------------------------------------------------------------------------------


def production_cookie_settings() -> dict[str, str]:
    """The cookie settings of clusterjura.settings.base with only a secret set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "SECURE_COOKIES", "DATABASE_URL"}
    }
    clean.update(SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="clusterjura.settings.base")
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_SAMESITE",
        "OTP_REQUIRED_FOR_STAFF",
    ]
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*[getattr(settings, n) for n in {names!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(zip(names, result.stdout.split(), strict=True))


def test_production_cookies_are_secure_and_http_only_on_a_real_login(settings, associate):
    production = production_cookie_settings()
    assert production == {
        "SESSION_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "OTP_REQUIRED_FOR_STAFF": "True",
    }
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_HTTPONLY = True

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(LOGIN, secure=True)
    csrf_cookie = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"] is True
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    response = browser.post(
        LOGIN,
        {"username": "camille", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        headers={"Origin": "https://testserver"},  # as a browser sends it over HTTPS
    )
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie.value
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True  # rotated at login


# --- password reset -----------------------------------------------------------------------


def reset_emails():
    return OutboxEmail.objects.filter(kind=accounts.PASSWORD_RESET_KIND)


def link_in(email: OutboxEmail) -> str:
    url = re.search(r"https?://\S+/compte/\S+/", email.body_text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_reset_answers_the_same_for_known_and_unknown_addresses(client, associate):
    known = client.post(RESET, {"email": "camille.durand@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "personne@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(RESET_DONE, 302)]
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert "Si un compte utilise cette adresse" in text(known)

    [email] = reset_emails()
    assert email.to == "camille.durand@example.org"
    assert email.about == associate
    assert "camille" in email.body_text
    assert email.body_text.count(django_settings.BASE_URL + "/compte/mot-de-passe/nouveau/") == 1


def test_a_reset_link_sets_a_new_password_once(client, associate):
    client.post(RESET, {"email": "CAMILLE.durand@example.org"})
    [email] = reset_emails()
    link = link_in(email)

    form_url = set_password_url(client, link)
    assert form_url.endswith("/set-password/")
    assert "Choisir un nouveau mot de passe" in text(client.get(form_url))
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/compte/mot-de-passe/nouveau/termine/"
    associate.refresh_from_db()
    assert associate.check_password(NEW_PASSWORD)

    again = Client().get(link)
    assert again.status_code == 200
    assert "Lien expiré ou déjà utilisé" in text(again)
    assert 'href="/compte/mot-de-passe/oubli/"' in again.content.decode()


def test_an_invited_account_without_password_can_ask_for_a_link(client, associates_group):
    user = get_user_model().objects.create_user("nouvel", "nouvel@example.org", password=None)
    assert not user.has_usable_password()
    client.post(RESET, {"email": "nouvel@example.org"})
    assert reset_emails().get().to == "nouvel@example.org"


def test_the_reset_form_floods_no_inbox_and_still_says_nothing(client, associate):
    for _number in range(5):
        response = client.post(RESET, {"email": "camille.durand@example.org"})
        assert response.status_code == 302 and response.url == RESET_DONE
    assert reset_emails().count() == 3


def test_a_malformed_address_is_refused_in_french(client):
    response = client.post(RESET, {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "Le lien n'a pas été envoyé : 1 point à corriger" in text(response)
    assert not OutboxEmail.objects.exists()


# --- invitations --------------------------------------------------------------------------


def invitation_link(user) -> str:
    accounts.invite(user=user)
    email = OutboxEmail.objects.filter(kind=accounts.INVITATION_KIND).latest("pk")
    return link_in(email)


@pytest.fixture
def invited(associates_group):
    user = get_user_model().objects.create_user(
        "dominique", "dominique@example.org", password=None, first_name="Dominique"
    )
    user.groups.add(associates_group)
    return user


def test_an_invitation_emails_a_link_through_the_outbox(invited, staff):
    accounts.invite(user=invited, invited_by=staff)
    [email] = OutboxEmail.objects.filter(kind=accounts.INVITATION_KIND)
    assert email.to == "dominique@example.org"
    assert email.about == invited
    assert "equipe vous invite" in email.body_text
    assert "/compte/bienvenue/" in email.body_text
    assert f"valable {django_settings.PASSWORD_RESET_TIMEOUT // 86400} jours" in email.body_text
    assert "&#x27;" not in email.body_text


def test_the_invitation_link_sets_the_password_once_and_logs_in(client, extranet, invited):
    link = invitation_link(invited)
    form_url = set_password_url(client, link)
    page = text(client.get(form_url))
    assert "Bienvenue dans l'espace des associés" in page and "dominique" in page

    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == EXTRANET
    assert logged_in(client)
    assert client.get(PRIVATE_CHILD).status_code == 200
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)

    reused = Client().get(link)
    assert reused.status_code == 200
    page = text(reused)
    assert "Lien d'invitation expiré ou déjà utilisé" in page
    assert "Recevoir un nouveau lien" in page and 'href="/compte/mot-de-passe/oubli/"' in page


def test_an_altered_or_foreign_invitation_link_is_refused(client, invited, associate):
    link = invitation_link(invited)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    other_uid = urlsafe_base64_encode(force_bytes(associate.pk))
    altered = [
        f"/compte/bienvenue/{uidb64}/{token[:-1]}{'a' if token[-1] != 'a' else 'b'}/",
        f"/compte/bienvenue/{other_uid}/{token}/",  # someone else's account
        f"/compte/bienvenue/{uidb64}/{default_token_generator.make_token(invited)}/",  # reset token
        f"/compte/mot-de-passe/nouveau/{uidb64}/{token}/",  # invitation at the reset address
        f"/compte/bienvenue/{uidb64}/set-password/",  # no token in the session
    ]
    for path in altered:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "ne fonctionne plus" in text(response), path
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_an_expired_invitation_link_is_refused(client, invited):
    generator = accounts.invitation_token_generator
    issued = generator._num_seconds(generator._now()) - django_settings.PASSWORD_RESET_TIMEOUT - 60
    token = generator._make_token_with_timestamp(invited, issued, generator.secret)
    uidb64 = urlsafe_base64_encode(force_bytes(invited.pk))
    response = client.get(f"/compte/bienvenue/{uidb64}/{token}/")
    assert "Lien d'invitation expiré ou déjà utilisé" in text(response)


def test_links_last_invitation_days(settings):
    from clusterjura.settings import base

    assert base.PASSWORD_RESET_TIMEOUT == 7 * 24 * 3600
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    assert accounts.link_lifetime_days() == 3


def test_an_account_without_address_or_deactivated_is_not_invited(invited):
    invited.email = ""
    with pytest.raises(ValueError, match="adresse"):
        accounts.invite(user=invited)
    invited.email = "dominique@example.org"
    invited.is_active = False
    with pytest.raises(ValueError, match="désactivé"):
        accounts.invite(user=invited)
    assert not OutboxEmail.objects.exists()


# --- password change ----------------------------------------------------------------------


def test_changing_the_password_needs_login_and_the_old_password(client, associate):
    anonymous = client.get(PASSWORD_CHANGE)
    assert anonymous.status_code == 302 and anonymous.url == f"{LOGIN}?next={PASSWORD_CHANGE}"

    client.force_login(associate)
    wrong = client.post(
        PASSWORD_CHANGE,
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Votre mot de passe n'a pas changé : 1 point à corriger" in text(wrong)

    right = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 302 and right.url == "/compte/mot-de-passe/modifie/"
    assert logged_in(client), "the session that changed it stays open"
    associate.refresh_from_db()
    assert associate.check_password(NEW_PASSWORD)


# --- two-factor authentication ------------------------------------------------------------


def test_an_associate_enrols_with_a_confirmed_code(client, extranet, associate):
    client.force_login(associate)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    content = text(page)
    assert "Facultative" in content
    assert 'src="data:image/svg+xml;base64,' in content
    pending = TOTPDevice.objects.get(user=associate, confirmed=False)
    assert accounts.secret_for_typing(pending) in content
    assert "otpauth://totp/Clus%27Ter%20Jura%3Acamille" in content
    assert client.get(TWO_FACTOR).status_code == 200
    assert TOTPDevice.objects.get(user=associate).pk == pending.pk, "the same secret on reload"

    wrong = client.post(
        TWO_FACTOR, {"code": "000000" if code_for(pending) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Ce code n'est pas le bon" in text(wrong)
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    pending.throttle_reset()
    response = client.post(TWO_FACTOR, {"code": code_for(pending)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=associate)
    assert device.confirmed
    assert "la double authentification est activée" in text(client.get(response.url))
    assert client.get(PRIVATE_CHILD).status_code == 200, "this session gave its code"


def test_an_account_with_a_device_gives_a_code_after_the_password(client, extranet, associate):
    device = give_device(associate)
    response = login(client, "camille", next=PRIVATE_CHILD)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=/extranet/dossier-prive/"

    # Password alone opens nothing: every address leads to the code page.
    for path in (PRIVATE_CHILD, EXTRANET, "/", TWO_FACTOR, PASSWORD_CHANGE, "/documents/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.url.startswith(VERIFY), path
    assert PRIVATE_TITLE not in text(client.get(PRIVATE_CHILD, follow=True))

    shown = client.get(response.url)
    assert "Code de connexion" in text(shown)
    wrong = client.post(VERIFY, {"code": "12", "next": PRIVATE_CHILD})
    assert "Ce code n'est pas le bon" in text(wrong)
    throttled = client.post(VERIFY, {"code": code_for(device), "next": PRIVATE_CHILD})
    assert "attendez" in text(throttled), "failures slow the next tries down"

    device.throttle_reset()
    code = code_for(device)
    verified = client.post(VERIFY, {"code": code, "next": PRIVATE_CHILD})
    assert verified.status_code == 302 and verified.url == PRIVATE_CHILD
    assert PRIVATE_TITLE in text(client.get(PRIVATE_CHILD))

    # The same code does not open a second session.
    other = Client()
    login(other, "camille")
    assert "Ce code n'est pas le bon" in text(other.post(VERIFY, {"code": code}))


def test_the_admin_login_form_also_asks_for_the_code(client, staff):
    device = give_device(staff)
    response = client.post("/admin/login/", {"username": "equipe", "password": PASSWORD})
    assert response.status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin.url == f"{VERIFY}?next=/admin/"
    assert client.post(VERIFY, {"code": code_for(device), "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_disabling_takes_the_password_and_a_code(client, associate):
    device = give_device(associate)
    login(client, "camille")
    client.post(VERIFY, {"code": code_for(device)})

    page = text(client.get(TWO_FACTOR))
    assert "Désactiver la double authentification" in page
    wrong = client.post(TWO_FACTOR, {"password": "faux", "code": code_for(device, steps_ahead=1)})
    assert wrong.status_code == 200
    assert "Ce n'est pas votre mot de passe" in text(wrong)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = client.post(
        TWO_FACTOR, {"password": PASSWORD, "code": code_for(device, steps_ahead=1)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=associate).exists()
    assert "La double authentification est désactivée" in text(client.get(response.url))


def test_staff_without_device_are_sent_to_enrol_before_the_admin(client, otp_required, staff):
    client.force_login(staff)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next=/admin/pages/"
    page = text(client.get(response.url))
    assert "Obligatoire pour l'administration du site" in page

    pending = TOTPDevice.objects.get(user=staff)
    enrolled = client.post(TWO_FACTOR, {"code": code_for(pending), "next": "/admin/pages/"})
    assert enrolled.status_code == 302 and enrolled.url == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_staff_without_device_open_no_private_page_either(client, otp_required, extranet, staff):
    """A stolen staff password alone opens neither the admin nor the private pages."""
    login(client, "equipe")
    for path in (PRIVATE_CHILD, "/", "/documents/", PASSWORD_CHANGE):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(f"{TWO_FACTOR}?next="), path
    assert client.get(TWO_FACTOR).status_code == 200
    assert client.post(LOGOUT).status_code == 200


def test_staff_with_a_device_give_the_code_at_the_sites_login(client, otp_required, staff):
    device = give_device(staff)
    response = login(client, "equipe")
    assert response.url == f"{VERIFY}?next=/admin/"
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_the_requirement_is_for_admin_access_only(client, otp_required, extranet, associate):
    client.force_login(associate)
    assert client.get(PRIVATE_CHILD).status_code == 200
    assert client.get("/compte/").status_code == 200


def test_without_the_requirement_staff_reach_the_admin_without_device(client, settings, staff):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


# --- the extranet's login flow ------------------------------------------------------------


@pytest.mark.parametrize("path", [EXTRANET, PRIVATE_CHILD])
def test_an_anonymous_visitor_is_sent_to_login_and_back(client, extranet, associate, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={path}"
    assert PRIVATE_TITLE not in text(response)

    page = client.get(response.url)
    assert f'name="next" value="{path}"' in page.content.decode()
    assert "Cette page est réservée aux personnes connectées" in text(page)
    back = login(client, "camille", next=path)
    assert back.url == path
    assert client.get(path).status_code == 200


def test_a_logged_in_non_member_gets_a_french_403_not_a_login_loop(client, extranet, outsider):
    client.force_login(outsider)
    for path in (EXTRANET, PRIVATE_CHILD):
        response = client.get(path)
        assert response.status_code == 403, path
        page = text(response)
        assert "Cet espace est réservé aux associés" in page
        assert "passant" in page
        assert PRIVATE_TITLE not in page and "résultat de l'exercice" not in page
        assert "no-store" in response.headers["Cache-Control"]
    # Logging in again (as the same account) leads to the same page, not round again.
    client.logout()
    back = login(client, "passant", next=PRIVATE_CHILD)
    assert back.url == PRIVATE_CHILD
    assert client.get(PRIVATE_CHILD).status_code == 403


def test_the_403_page_offers_to_change_account(client, extranet, outsider, associate):
    client.force_login(outsider)
    page = client.get(PRIVATE_CHILD).content.decode()
    assert f'value="{LOGIN}?next=/extranet/dossier-prive/"' in page
    response = client.post(LOGOUT, {"next": f"{LOGIN}?next={PRIVATE_CHILD}"})
    assert response.url == f"{LOGIN}?next={PRIVATE_CHILD}"
    assert login(client, "camille", next=PRIVATE_CHILD).url == PRIVATE_CHILD
    assert client.get(PRIVATE_CHILD).status_code == 200


def test_superusers_pass_group_restrictions(client, extranet, staff):
    client.force_login(staff)
    assert client.get(PRIVATE_CHILD).status_code == 200


def test_the_account_page_lists_the_ways(client, associate):
    assert client.get("/compte/").url == f"{LOGIN}?next=/compte/"
    client.force_login(associate)
    page = text(client.get("/compte/"))
    assert "camille" in page
    for link in (EXTRANET, PASSWORD_CHANGE, TWO_FACTOR):
        assert f'href="{link}"' in page
    assert "Administration du site" not in page
