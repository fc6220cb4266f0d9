"""Fixtures shared by the ideas tests: their calls live under their own index, away from the demo calls."""

import pytest

from tests.projects.factories import CallForIdeasIndexPageFactory, ideas_site_settings, site_home


@pytest.fixture
def home(db):
    """The demo home page, with the site settings the idea emails read."""
    home = site_home()
    ideas_site_settings(home)
    return home


@pytest.fixture
def index(home):
    return CallForIdeasIndexPageFactory(
        parent=home, slug="appels-tests", title="Appels (tests)", intro="Vos idées pour le Jura."
    )
