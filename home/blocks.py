"""The shared StreamField blocks: every page body on the site is built from these."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section title, level 2 or 3, so the page outline stays correct."""

    text = blocks.CharBlock(label=_("Titre"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Titre de section (h2)")), ("h3", _("Sous-titre (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Nos engagements", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    """An image with a required text alternative and an optional caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Texte alternatif"),
        max_length=250,
        help_text=_("Décrivez l'image pour les personnes qui ne la voient pas."),
    )
    caption = blocks.CharBlock(label=_("Légende"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with its author."""

    text = blocks.TextBlock(label=_("Citation"))
    attribution = blocks.CharBlock(label=_("Auteur"), required=False, max_length=150)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Il s'agit de combler un trou dans la raquette.",
            "attribution": "Matthieu Grosset, président",
        }


class CallToActionBlock(blocks.StructBlock):
    """A button that says what happens, towards a page or an address."""

    text = blocks.CharBlock(label=_("Texte"), max_length=200, required=False)
    button_label = blocks.CharBlock(label=_("Libellé du bouton"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Ou adresse"), required=False)

    class Meta:
        icon = "pick"
        label = _("Appel à l'action")
        template = "blocks/call_to_action_block.html"
        preview_value = {
            "text": "Une idée pour le territoire ?",
            "button_label": "Proposer une idée",
        }

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": blocks.BlockValidationError(_("Choisissez une page ou une adresse."))
                }
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a document, with its format and size shown to the reader."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Intitulé"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_link_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """The body of standard pages, news and, later, project stories."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraphe"),
        icon="pilcrow",
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="blocks/paragraph_block.html",
        preview_value="<p>Le Clus'Ter Jura rassemble les acteurs du territoire.</p>",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentLinkBlock()
