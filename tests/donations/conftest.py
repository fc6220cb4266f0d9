"""Fixtures for the donation tests: one local Stripe double for the whole session.

The double starts on first use only, so tests that never touch Stripe neither
start nor wait for it; those that do get it emptied before they run.
"""

import pytest

from tests.donations.stripe_double import StripeDouble


@pytest.fixture(scope="session")
def stripe_double():
    """The local Stripe double (tests/donations/stripe_double.py), listening on 127.0.0.1."""
    with StripeDouble() as double:
        yield double


@pytest.fixture(autouse=True)
def _fresh_stripe_double(request):
    """Empty the shared double before each test that uses it (and only those)."""
    if "stripe_double" in request.fixturenames:
        request.getfixturevalue("stripe_double").reset()


@pytest.fixture
def stripe_settings(settings, stripe_double):
    """Point the app's Stripe settings at the double; returns the double."""
    settings.STRIPE_SECRET_KEY = "sk_test_double"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_double"
    settings.STRIPE_API_BASE = stripe_double.url
    return stripe_double
