"""What the associates were told about a general assembly, and when.

One row per notice (the assembly published, or documents added to it): the emails it
caused point to it (`OutboxEmail.about`), and the documents it announced are not
announced again. It lives apart from the page, so publishing an older revision never
brings back a document as "new".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from extranet.constants import NoticeKind
from extranet.models.pages import GeneralAssemblyPage


class AssemblyNoticeQuerySet(models.QuerySet):
    def announced_document_ids(self) -> set[int]:
        return {
            document_id
            for ids in self.values_list("document_ids", flat=True)
            for document_id in ids
        }


class AssemblyNotice(models.Model):
    Kind = NoticeKind

    page = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("assemblée générale"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("type"), max_length=10, choices=NoticeKind.choices)
    document_ids = models.JSONField(_("documents annoncés"), default=list, blank=True)
    emailed_count = models.PositiveIntegerField(_("associés prévenus par courriel"), default=0)
    postal_count = models.PositiveIntegerField(
        _("associés sans accord pour le courriel"),
        default=0,
        help_text=_("À prévenir par la poste."),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    objects = AssemblyNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("avis aux associés")
        verbose_name_plural = _("avis aux associés")

    def __str__(self):
        return f"{self.page} · {self.get_kind_display()}"
