"""The site's one outbox: every email of every app is a row here before it is sent.

Write rows through `home.outbox.queue_email` (in the transaction that causes the
email); a background task sends each row after commit and retries with backoff.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmailQuerySet(models.QuerySet):
    def about(self, obj) -> "OutboxEmailQuerySet":
        """The emails caused by `obj` (an idea, a registration, a donation...)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )

    def about_model(self, model) -> "OutboxEmailQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False)
        )

    def due(self, now=None) -> "OutboxEmailQuerySet":
        """Pending emails whose next attempt (or whose lease) is due."""
        return self.filter(
            state=OutboxEmail.State.PENDING, next_attempt_at__lte=now or timezone.now()
        )


class OutboxEmail(models.Model):
    """One email, recorded with what caused it, sent by a background task.

    `state` only says "sent" once the mail server has accepted the message; a send
    that fails is retried with a growing delay, then shown as failed with its error.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("abandonné après plusieurs essais")

    kind = models.CharField(_("type"), max_length=60, db_index=True)
    # What caused the email (an idea, a workshop registration, a donation...).
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("objet concerné (type)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("objet concerné (numéro)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    to = models.EmailField(_("destinataire"), max_length=254)
    reply_to = models.EmailField(_("répondre à"), max_length=254, blank=True)
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": base64}], e.g. a PDF receipt.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)

    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # When pending: the next attempt; while a worker sends: the end of its lease.
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def attachment_names(self) -> list[str]:
        return [attachment.get("filename", "") for attachment in self.attachments or []]
