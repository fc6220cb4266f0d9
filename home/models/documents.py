"""Documents on private storage, and the log of their downloads.

Wagtail's own document model stores files under MEDIA_ROOT/documents/, which the
web server serves to anyone: a document of a collection restricted to associates
was refused at /documents/… but served at /media/documents/<file>. This model keeps
Wagtail's document (collections, privacy, tags, search) and moves the file to the
private storage (`home.storage`), reachable only through `home.documents.serve`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument

from home.storage import private_storage


class Document(AbstractDocument):
    """Wagtail's document with its file on the private storage (WAGTAILDOCS_DOCUMENT_MODEL).

    Tags use taggit's generic TaggedItem, as Wagtail's own model does: no tag model here.
    """

    file = models.FileField(
        upload_to="documents", storage=private_storage, verbose_name=_("fichier")
    )

    # Wagtail's own model (still installed) is also called Document: the reverse
    # accessors are renamed so that User.document_set and Tag.document_set do not clash.
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by user"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="uploaded_documents",
    )
    uploaded_by_user.wagtail_reference_index_ignore = True
    tags = TaggableManager(
        help_text=None, blank=True, verbose_name=_("tags"), related_name="home_documents"
    )

    admin_form_fields = WagtailDocument.admin_form_fields

    class Meta(AbstractDocument.Meta):
        permissions = [("choose_document", "Can choose document")]


class DocumentDownload(models.Model):
    """One download of a document: who, what, when, from where.

    One row per download, not per chunk: a request without Range, or whose range starts
    at byte 0, is logged; the follow-up ranges of a resumed download or of a PDF viewer
    are not. The document's title and the user's name are copied, so the log still says
    who opened what after a document or an account is deleted.
    """

    downloaded_at = models.DateTimeField(_("téléchargé le"), default=timezone.now, db_index=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    document_title = models.CharField(_("titre du document"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(
        _("identifiant"), max_length=150, blank=True, help_text=_("Vide : visiteur anonyme.")
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    range_request = models.BooleanField(
        _("requête partielle"),
        default=False,
        help_text=_("Demande d'une plage d'octets (Range), par exemple une reprise sur mobile."),
    )

    class Meta:
        verbose_name = _("téléchargement")
        verbose_name_plural = _("téléchargements")
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self):
        return f"{self.document_title} · {self.who()} · {self.downloaded_at:%Y-%m-%d %H:%M}"

    def who(self) -> str:
        return self.username or str(_("anonyme"))

    who.short_description = _("qui")
