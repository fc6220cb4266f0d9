"""Factories for the projects app (taxonomies, project stories, workshops).

Shared by the projects tests: append new factories rather than rewriting these.
"""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from home.models import HomePage
from projects.models import (
    CallForIdeasIndexPage,
    CallForIdeasPage,
    Commune,
    Idea,
    ProjectIndexPage,
    ProjectPage,
    ProjectStatus,
    Theme,
    WorkshopIndexPage,
    WorkshopPage,
    WorkshopRegistration,
)
from tests.conftest import ensure_wagtail_root


def site_home() -> HomePage:
    """A bare home page served as the default site's root (no demo content)."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = ensure_wagtail_root()
    home = HomePage(title="Accueil", slug="accueil", hero_title="Accueil", hero_intro="Bienvenue.")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Test"},
    )
    return home


def clear_projects_and_workshops() -> None:
    """Remove the demo site's project stories and workshops, so that a test sees and counts
    only what it creates (the test's rollback brings them back). The fund's commitments
    to those projects go first: they protect the projects they finance."""
    from django.apps import apps

    apps.get_model("donations", "Allocation").objects.all().delete()
    Page.objects.type(ProjectPage, WorkshopPage).delete()


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    postal_code = "39000"


class ProjectStatusFactory(DjangoModelFactory):
    class Meta:
        model = ProjectStatus
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Statut {n}")
    slug = factory.Sequence(lambda n: f"statut-{n}")
    counts_as_seeded = True


class ProjectIndexPageFactory(wagtail_factories.PageFactory):
    """The site's project index: the demo site's own when it exists (there is only one)."""

    class Meta:
        model = ProjectIndexPage
        django_get_or_create = ["slug", "parent"]

    title = "Projets"
    slug = "projets"
    parent = factory.LazyFunction(site_home)


class ProjectPageFactory(wagtail_factories.PageFactory):
    """A live project under the given `parent` (a ProjectIndexPage)."""

    class Meta:
        model = ProjectPage

    title = factory.Sequence(lambda n: f"Projet {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Un projet du territoire."


class WorkshopIndexPageFactory(wagtail_factories.PageFactory):
    """The site's workshop index: the demo site's own when it exists (there is only one)."""

    class Meta:
        model = WorkshopIndexPage
        django_get_or_create = ["slug", "parent"]

    title = "Ateliers"
    slug = "ateliers"
    parent = factory.LazyFunction(site_home)


class WorkshopPageFactory(wagtail_factories.PageFactory):
    """A live workshop a week from now, two hours long, 20 places, registration open."""

    class Meta:
        model = WorkshopPage

    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "Maison des associations"
    address = "Lons-le-Saunier (39000)"
    summary = "Un atelier thématique."
    capacity = 20
    registration_open = True


class WorkshopRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopRegistration

    name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    status = WorkshopRegistration.Status.CONFIRMED


# --- Calls for ideas and ideas ---------------------------------------------------------


def ideas_site_settings(home: HomePage | None = None):
    """Privacy page and staff address in the site settings, as the idea form and emails read them."""
    from home.models import OrganisationSettings, StandardPage

    home = home or site_home()
    privacy = home.get_children().filter(slug="confidentialite").first()
    if privacy is None:
        privacy = StandardPage(title="Politique de confidentialité", slug="confidentialite")
        home.add_child(instance=privacy)
    settings = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_page = privacy
    settings.contact_email = "contact@example.org"
    settings.staff_notification_email = "equipe@example.org"
    settings.save()
    return settings


class CallForIdeasIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CallForIdeasIndexPage

    title = "Appels à idées"
    slug = "appels-a-idees"
    parent = factory.LazyFunction(site_home)


class CallForIdeasPageFactory(wagtail_factories.PageFactory):
    """A live call under the given `parent` (a CallForIdeasIndexPage), open since a week."""

    class Meta:
        model = CallForIdeasPage

    title = factory.Sequence(lambda n: f"Appel à idées {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    intro = "<p>Vos idées pour le territoire.</p>"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class IdeaFactory(DjangoModelFactory):
    """An idea as the public form stores it (pass `call`)."""

    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idée numéro {n}")
    description = "Une idée décrite en quelques phrases, assez longue pour être lue."
    involvement = Idea.Involvement.CONTRIBUTE
    name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"idee{n}@example.org")
    consent_processing = True
