"""Convocations on paper, for the associates who did not agree to email: one letter a
page (the address placed for a window envelope, DL format, on the right), with the
agenda, the draft resolutions, the documents, how to vote and a proxy form to sign;
and a sheet of address labels (A4, 3 x 8 labels of 70 x 37 mm) for plain envelopes.
"""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import BaseDocTemplate
from reportlab.platypus.flowables import HRFlowable

from extranet.constants import CONVOCATION_MIN_DAYS
from home.pdf import GREEN, base_styles, pdf_markup, pdf_text

# A window envelope (DL, right window): the address block's place on the page.
ADDRESS_LEFT = 110 * mm
ADDRESS_TOP = 50 * mm
ADDRESS_WIDTH = 85 * mm
ADDRESS_HEIGHT = 35 * mm
# Labels: 3 columns x 8 rows of 70 x 37.125 mm, no margin (the common A4 sheet).
LABEL_COLUMNS = 3
LABEL_ROWS = 8
LABEL_WIDTH = A4[0] / LABEL_COLUMNS
LABEL_HEIGHT = A4[1] / LABEL_ROWS


def recipient_lines(associate) -> list[str]:
    """The address block: name, organisation, then the postal address's lines."""
    lines = [associate.display_name]
    if associate.organisation:
        lines.append(associate.organisation)
    lines += [line.strip() for line in associate.postal_address.splitlines() if line.strip()]
    return lines[:7]


def letters_pdf(*, assembly, convocations, organisation, context: dict) -> bytes:
    """One letter a convened associate (`convocations` with their associate), as A4 PDF.
    `context` is what the email says (extranet.services.convocation.letter_context)."""
    styles = base_styles()
    buffer = io.BytesIO()
    held_at = timezone.localtime(assembly.held_at)
    sender = [organisation.name if organisation else "Clus'Ter Jura"]
    if organisation and organisation.address:
        sender += [line for line in organisation.address.splitlines() if line.strip()]

    def first_page(canvas, document):
        convocation = document.current_convocation
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 10)
        canvas.setFillColor(GREEN)
        y = A4[1] - 18 * mm
        for index, line in enumerate(sender):
            canvas.setFont("Helvetica-Bold" if index == 0 else "Helvetica", 9)
            canvas.drawString(18 * mm, y, pdf_text(line))
            y -= 4.5 * mm
        canvas.setFillColorRGB(0, 0, 0)
        y = A4[1] - ADDRESS_TOP
        for index, line in enumerate(recipient_lines(convocation.associate)):
            canvas.setFont("Helvetica-Bold" if index == 0 else "Helvetica", 10.5)
            canvas.drawString(ADDRESS_LEFT, y, pdf_text(line))
            y -= 5 * mm
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            pdf_text(f"{assembly.title} · convocation de {convocation.associate.display_name}"),
        )
        canvas.restoreState()

    def next_pages(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            pdf_text(
                f"{assembly.title} · suite de la convocation de "
                f"{document.current_convocation.associate.display_name}"
            ),
        )
        canvas.restoreState()

    class LetterDocument(BaseDocTemplate):
        current_convocation = None

        def handle_flowable(self, flowables):
            flowable = flowables[0]
            if getattr(flowable, "convocation", None) is not None:
                self.current_convocation = flowable.convocation
            super().handle_flowable(flowables)

    document = LetterDocument(
        buffer,
        pagesize=A4,
        title=pdf_text(f"Convocations par courrier : {assembly.title}"),
        author=pdf_text(sender[0]),
        creator="Clus'Ter Jura",
    )
    body_top = A4[1] - ADDRESS_TOP - ADDRESS_HEIGHT - 8 * mm
    document.addPageTemplates(
        [
            PageTemplate(
                id="letter",
                frames=[Frame(18 * mm, 16 * mm, A4[0] - 36 * mm, body_top - 16 * mm)],
                onPageEnd=first_page,
            ),
            PageTemplate(
                id="next",
                frames=[Frame(18 * mm, 16 * mm, A4[0] - 36 * mm, A4[1] - 34 * mm)],
                onPageEnd=next_pages,
            ),
        ]
    )
    story = []
    for position, convocation in enumerate(convocations):
        if position:
            story += [NextPageTemplate("letter"), PageBreak()]
        marker = Spacer(1, 0)
        marker.convocation = convocation
        story += [marker, NextPageTemplate("next")]
        story += _letter(assembly, convocation.associate, held_at, context, styles)
    if not story:
        story = [Paragraph(pdf_markup("Aucune convocation par courrier."), styles["body"])]
    document.build(story)
    return buffer.getvalue()


def _letter(assembly, associate, held_at, context, styles) -> list:
    p = lambda text, style="body": Paragraph(pdf_markup(text), styles[style])  # noqa: E731
    story = [
        p(f"Le {timezone.localdate():%d/%m/%Y}"),
        Spacer(1, 4 * mm),
        p(f"Objet : convocation à l'{assembly.title.lower()}", "strong"),
        Spacer(1, 3 * mm),
        p(f"Madame, Monsieur, cher associé, chère associée ({associate.display_name}),"),
        p(
            f"Vous êtes convoqué·e à l'assemblée générale {assembly.get_kind_display()} "
            f"du Clus'Ter Jura, le {held_at:%d/%m/%Y} à {held_at:%H:%M}, "
            f"lieu : {assembly.place}."
            + (
                " Elle se tient sur deuxième convocation."
                if assembly.convocation_number == 2
                else ""
            )
        ),
    ]
    if assembly.video_url:
        story.append(p(f"Vous pouvez aussi la suivre à distance : {assembly.video_url}"))
    if context.get("agenda_text"):
        story += [p("Ordre du jour", "heading"), p(context["agenda_text"])]
    if context.get("resolutions"):
        story.append(p("Projets de résolution", "heading"))
        for number, resolution in enumerate(context["resolutions"], start=1):
            majority = resolution.get_majority_display() or (
                "majorité des deux tiers"
                if resolution.part(assembly) == "extraordinary"
                else "majorité simple"
            )
            story.append(
                KeepTogether(
                    [
                        p(f"{number}. {resolution.title}", "strong"),
                        p(resolution.text) if resolution.text else Spacer(1, 0),
                        p(
                            f"Partie {resolution.get_kind_display() if assembly.is_mixed else assembly.get_kind_display()}"
                            f", {majority}"
                            + (", vote à bulletin secret" if resolution.secret else ""),
                            "small",
                        ),
                    ]
                )
            )
    if context.get("documents"):
        story.append(p("Documents", "heading"))
        story.append(
            p(
                "Les documents suivants sont à votre disposition au siège et dans l'espace "
                "des associés du site : "
                + " ; ".join(link.label for link in context["documents"])
                + "."
            )
        )
    story.append(p("Comment voter", "heading"))
    lines = ["Vous votez en venant à l'assemblée, ou en y donnant pouvoir à un autre associé."]
    if assembly.votes_open_at and assembly.votes_close_at:
        opens = timezone.localtime(assembly.votes_open_at)
        closes = timezone.localtime(assembly.votes_close_at)
        lines.append(
            f"Vous pouvez aussi voter en ligne dans l'espace des associés, du {opens:%d/%m/%Y} "
            f"à {opens:%H:%M} au {closes:%d/%m/%Y} à {closes:%H:%M}"
            + (f" : {context['vote_url']}" if context.get("vote_url") else ".")
        )
    lines.append(
        f"Un associé ne peut détenir plus de {assembly.proxy_cap} pouvoir(s). Le pouvoir "
        "ci-dessous, signé, est à remettre à l'associé que vous choisissez ou à nous "
        "renvoyer avant l'assemblée."
    )
    story += [p(line) for line in lines]
    story.append(Spacer(1, 3 * mm))
    story.append(p("Avec nos salutations coopératives, le conseil."))
    story.append(
        KeepTogether(
            [
                Spacer(1, 6 * mm),
                HRFlowable(width="100%", dash=(3, 3), color=GREEN),
                p("Pouvoir", "heading"),
                p(
                    f"Je soussigné·e {associate.display_name}, associé·e du Clus'Ter Jura, donne "
                    f"pouvoir à ............................................................, "
                    f"associé·e, pour me représenter à l'{assembly.title.lower()} du "
                    f"{held_at:%d/%m/%Y} et voter en mon nom sur les résolutions à l'ordre du "
                    "jour."
                ),
                Spacer(1, 3 * mm),
                Table(
                    [
                        [
                            pdf_text("Fait à ...................., le ....../....../......"),
                            pdf_text("Signature (précédée de « Bon pour pouvoir »)"),
                        ]
                    ],
                    colWidths=[85 * mm, 85 * mm],
                ),
                Spacer(1, 14 * mm),
            ]
        )
    )
    story.append(
        p(
            f"Convocation adressée au moins {CONVOCATION_MIN_DAYS} jours avant l'assemblée, "
            "par courrier, faute d'accord écrit pour la recevoir par courriel. Pour la "
            "recevoir par courriel la prochaine fois, donnez-nous votre accord écrit.",
            "small",
        )
    )
    return story


def labels_pdf(*, convocations) -> bytes:
    """Address labels, 3 x 8 a sheet, in the order of `convocations`."""
    from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle("Étiquettes des convocations par courrier")
    per_sheet = LABEL_COLUMNS * LABEL_ROWS
    for index, convocation in enumerate(convocations):
        if index and index % per_sheet == 0:
            canvas.showPage()
        slot = index % per_sheet
        column, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = column * LABEL_WIDTH + 6 * mm
        y = A4[1] - row * LABEL_HEIGHT - 9 * mm
        for line_number, line in enumerate(recipient_lines(convocation.associate)):
            canvas.setFont("Helvetica-Bold" if line_number == 0 else "Helvetica", 9)
            canvas.drawString(x, y, pdf_text(line)[:42])
            y -= 4.2 * mm
    if not convocations:
        canvas.setFont("Helvetica", 10)
        canvas.drawString(20 * mm, A4[1] - 20 * mm, pdf_text("Aucune convocation par courrier."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
