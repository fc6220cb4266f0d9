"""Site-wide settings edited by staff (Wagtail's site settings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """Who runs the site: shown in the footer, the legal notice and emails."""

    name = models.CharField(_("nom"), max_length=120, default="Clus'Ter Jura")
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=200,
        default="SCIC (société coopérative d'intérêt collectif)",
    )
    description = models.CharField(
        _("description du site"),
        max_length=300,
        default=(
            "Clus'Ter Jura, coopérative (SCIC) des transitions du Jura : des projets nés "
            "sur le territoire, des appels à idées, des ateliers et un fonds d'impulsion."
        ),
        help_text=_(
            "Décrit le site dans les moteurs de recherche et les aperçus de liens, pour les "
            "pages qui n'ont ni description ni introduction. 160 caractères au plus sont lus."
        ),
    )
    address = models.TextField(_("adresse"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=20, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    staff_notification_email = models.EmailField(
        _("courriel de l'équipe"),
        blank=True,
        help_text=_("Reçoit les notifications (nouvelles idées, inscriptions)."),
    )
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    mastodon_url = models.URLField(_("Mastodon"), blank=True)
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("mentions légales"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("politique de confidentialité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("déclaration d'accessibilité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("description"),
                FieldPanel("legal_form"),
                FieldPanel("address"),
                FieldPanel("siret"),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("phone"),
                FieldPanel("staff_notification_email"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("linkedin_url"), FieldPanel("facebook_url"), FieldPanel("mastodon_url")],
            heading=_("Réseaux sociaux"),
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("legal_notice_page"),
                PageChooserPanel("privacy_page"),
                PageChooserPanel("accessibility_page"),
            ],
            heading=_("Pages légales du pied de page"),
        ),
    ]

    select_related = ["legal_notice_page", "privacy_page", "accessibility_page"]

    class Meta:
        verbose_name = _("organisation")

    @property
    def social_links(self):
        return [
            (label, url)
            for label, url in (
                ("LinkedIn", self.linkedin_url),
                ("Facebook", self.facebook_url),
                ("Mastodon", self.mastodon_url),
            )
            if url
        ]
