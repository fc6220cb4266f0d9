"""Failed logins are throttled per account and per client address (django-axes, counted in
the database), on every login form; staff use Wagtail's admin only.

The tests post to Wagtail's login form as a browser would, with the production AXES_*
settings (the test settings only switch the throttle off for Client.login elsewhere).
"""

import datetime
import html

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from home.client_ip import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "motdepasse-solide-42"
ATTACKER = "203.0.113.9"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def throttle_on(settings):
    settings.AXES_ENABLED = True
    return settings


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("equipe", "equipe@example.org", PASSWORD)


@pytest.fixture
def own_account(db):
    """An account the attacker holds, to try logging in between guesses."""
    return get_user_model().objects.create_user("mallory", "mallory@example.org", "son-propre-mdp")


def attempt(username: str, password: str, ip: str = ATTACKER, **headers):
    """One login through Wagtail's form, from a fresh browser at `ip`."""
    browser = Client(REMOTE_ADDR=ip, **headers)
    response = browser.post(LOGIN, {"username": username, "password": password})
    response.logged_in = "_auth_user_id" in browser.session
    return response


def text(response) -> str:
    return html.unescape(response.content.decode())


def fail(times: int, username: str = "equipe", ip: str = ATTACKER):
    for number in range(times):
        response = attempt(username, f"mauvais-{number}", ip)
        assert response.status_code == 200, f"failure {number + 1} already locked"
        assert not response.logged_in


def lock_out(username: str = "equipe", ip: str = ATTACKER):
    """Fail up to the limit: the last failure already answers with the lockout page."""
    fail(django_settings.AXES_FAILURE_LIMIT - 1, username, ip)
    assert_locked_page(attempt(username, "encore-faux", ip))


def assert_locked_page(response):
    assert response.status_code == 429
    assert not response.logged_in
    page = text(response)
    assert "Trop de tentatives de connexion" in page
    assert f"après {django_settings.AXES_FAILURE_LIMIT} essais" in page
    minutes = int(django_settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Réessayez dans {minutes} minutes" in page
    assert 'lang="fr"' in page


def test_production_settings_throttle_every_login_in_the_database():
    from clusterjura.settings import base

    assert getattr(base, "AXES_ENABLED", True) is True
    assert base.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert base.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert base.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert getattr(base, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler") == (
        "axes.handlers.database.AxesDatabaseHandler"
    )
    assert base.AXES_FAILURE_LIMIT >= 3
    assert base.AXES_COOLOFF_TIME.total_seconds() >= 5 * 60


def test_the_right_password_logs_in_before_any_failure(staff):
    response = attempt("equipe", PASSWORD)
    assert response.status_code == 302 and response.logged_in


def test_failures_up_to_the_limit_lock_the_account_and_the_right_password_is_refused(staff):
    limit = django_settings.AXES_FAILURE_LIMIT
    fail(limit - 1)

    locking = attempt("equipe", "encore-faux")
    assert_locked_page(locking)

    right = attempt("equipe", PASSWORD)
    assert_locked_page(right)
    assert Client(REMOTE_ADDR=ATTACKER).get("/admin/").status_code == 302  # still logged out


def test_a_locked_account_is_locked_from_every_address(staff):
    lock_out()

    assert_locked_page(attempt("equipe", PASSWORD, ip=ELSEWHERE))
    # The lock is the account's: another account logs in from that other address.
    get_user_model().objects.create_superuser("autre", "autre@example.org", PASSWORD)
    assert attempt("autre", PASSWORD, ip=ELSEWHERE).logged_in


def test_an_address_that_tries_many_accounts_is_locked_for_all_of_them(staff):
    for number in range(django_settings.AXES_FAILURE_LIMIT - 1):
        fail(1, username=f"inconnu-{number}")
    assert_locked_page(attempt("inconnu-dernier", "faux"))

    assert_locked_page(attempt("equipe", PASSWORD))  # even a real account, from there
    assert attempt("equipe", PASSWORD, ip=ELSEWHERE).logged_in  # not from elsewhere


def test_a_success_before_the_limit_resets_no_count(staff, own_account):
    limit = django_settings.AXES_FAILURE_LIMIT
    fail(limit - 1)

    # Logging in to one's own account between guesses wipes neither the target's
    # count nor the address's.
    assert attempt("mallory", "son-propre-mdp").logged_in
    assert_locked_page(attempt("equipe", "encore-faux"))
    assert_locked_page(attempt("mallory", "son-propre-mdp"))


def test_the_real_owner_logging_in_keeps_the_count_of_an_attack_elsewhere(staff):
    limit = django_settings.AXES_FAILURE_LIMIT
    fail(limit - 1)

    assert attempt("equipe", PASSWORD, ip=ELSEWHERE).logged_in
    assert_locked_page(attempt("equipe", "encore-faux"))


def test_the_lock_ends_after_the_cool_off(staff):
    lock_out()
    assert_locked_page(attempt("equipe", PASSWORD))

    # Time passes: the failures are now older than the cool-off.
    past = django_settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    for row in AccessAttempt.objects.all():
        row.attempt_time -= past
        row.save(update_fields=["attempt_time"])

    assert attempt("equipe", PASSWORD).logged_in


def test_failures_are_counted_at_the_address_the_proxy_saw(staff, throttle_on):
    throttle_on.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for number in range(django_settings.AXES_FAILURE_LIMIT):
        # The client forges a new address on the left each time; nginx appends the real one.
        forwarded = f"10.0.0.{number}, {ATTACKER}"
        response = attempt(f"inconnu-{number}", "faux", ip=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        assert not response.logged_in

    blocked = attempt("equipe", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}")
    assert_locked_page(blocked)
    # Other visitors behind the same proxy are not locked out.
    assert attempt("equipe", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE).logged_in
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),  # no proxy: the header is the client's
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged left part ignored
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_follows_the_trusted_proxy_count(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_only_wagtails_admin_is_served(client, staff):
    client.force_login(staff)
    for path in ("/django-admin/", "/django-admin/auth/user/", "/django-admin/login/"):
        assert client.get(path).status_code == 404
    assert "django.contrib.admin" not in django_settings.INSTALLED_APPS
    assert client.get("/admin/").status_code == 200
