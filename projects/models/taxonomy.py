"""Editable taxonomies shared by projects, calls, ideas and workshops (Wagtail snippets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Theme(index.Indexed, models.Model):
    """A transition theme: ecological, economic, social... editable by staff."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=400)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self):
        return self.name


class Commune(index.Indexed, models.Model):
    """A commune of the territory. Every commune of the Jura comes from the official
    geographic code (`manage.py import_communes`, projects/data/communes-jura.json);
    staff may add others and rename any."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    insee_code = models.CharField(
        _("code INSEE"),
        max_length=5,
        blank=True,
        help_text=_(
            "Le code officiel de la commune (39300 pour Lons-le-Saunier) : il relie la "
            "commune à la liste importée. Vide pour une commune ajoutée à la main."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("postal_code"),
        FieldPanel("insee_code"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.UniqueConstraint(
                fields=["insee_code"],
                condition=~models.Q(insee_code=""),
                name="projects_commune_unique_insee_code",
                violation_error_message=_("Une autre commune porte déjà ce code INSEE."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.postal_code})" if self.postal_code else self.name


class ProjectStatus(models.Model):
    """Where a project stands: idea, in workshop, seeded, launched, autonomous (editable list)."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    counts_as_seeded = models.BooleanField(
        _("compte comme projet amorcé"),
        default=True,
        help_text=_("Les projets à ce stade entrent dans le chiffre « projets amorcés »."),
    )
    seeks_people = models.BooleanField(
        _("cherche encore ses porteurs"),
        default=False,
        help_text=_(
            "Les projets à ce stade proposent « Rejoindre ce projet » : un formulaire qui "
            "écrit au contact du projet (sinon au courriel de l'équipe)."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
        FieldPanel("counts_as_seeded"),
        FieldPanel("seeks_people"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("statut de projet")
        verbose_name_plural = _("statuts de projet")

    def __str__(self):
        return self.name
