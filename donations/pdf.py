"""Receipts as A4 PDF, in French (reportlab; no external font, no network).

Two documents, chosen by the receipt's kind:

- a **tax receipt** carries every mention of the Cerfa forms: n° 11580 for
  individuals (article 200 of the tax code), n° 16216 for companies (article 238 bis):
  order number, beneficiary (name, address, SIREN or RNA, purpose, nature ticked),
  donor, amount in figures and in words, date (or period) of payment, the
  certification sentence, form and nature of the gift, payment method, date of issue
  and signatory;
- a **payment certificate** (the SCIC's default) states the same facts and says
  plainly that it gives no right to a tax reduction.

The fourteen standard PDF fonts need no file and keep the text extractable; they
encode Windows-1252, which covers French. Other characters (a Polish "ł", a
Chinese name) are transliterated or shown as "?" on the PDF only: the receipt's own
fields keep them as typed.
"""

import io
from datetime import date, datetime

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from donations.constants import Channel, DonorType, IssuerKind, ReceiptKind, ReceiptStatus
from home.pdf import GREEN, base_styles, pdf_markup, pdf_text

# What a receipt says of how the money came (Receipt.payment_method, frozen).
# Stripe Checkout may take a card or a SEPA debit: an online gift says both.
PAYMENT_METHODS = {
    Channel.ONLINE: "carte bancaire ou prélèvement (paiement en ligne)",
    Channel.CHEQUE: "chèque",
    Channel.TRANSFER: "virement",
    Channel.CASH: "espèces",
}
MONTHLY_PAYMENT_METHOD = "carte bancaire ou prélèvement (en ligne, chaque mois)"

# The three payment boxes of the Cerfa forms, and which channel ticks which.
CERFA_PAYMENT_BOXES = [
    ("cash", "Remise d'espèces"),
    ("cheque", "Chèque"),
    ("other", "Virement, prélèvement, carte bancaire"),
]
_BOX_OF_METHOD = {
    PAYMENT_METHODS[Channel.CASH]: "cash",
    PAYMENT_METHODS[Channel.CHEQUE]: "cheque",
}

# The beneficiary's nature, as the forms name it (one box ticked).
ISSUER_NATURES = [
    (IssuerKind.ENDOWMENT_FUND, "Fonds de dotation"),
    (IssuerKind.FOUNDATION, "Fondation ou association reconnue d'utilité publique"),
    (
        IssuerKind.ASSOCIATION,
        "Association d'intérêt général (œuvre ou organisme d'intérêt général)",
    ),
]

CERFA = {
    ReceiptKind.INDIVIDUAL: {
        "number": "11580",
        "title": "Reçu au titre des dons à certains organismes d'intérêt général",
        "law": "Article 200 du code général des impôts",
        "article": "200 du CGI",
    },
    ReceiptKind.COMPANY: {
        "number": "16216",
        "title": "Reçu des dons et versements effectués par les entreprises",
        "law": "Article 238 bis du code général des impôts",
        "article": "238 bis du CGI",
    },
}

BOX = "[X]"
NO_BOX = "[  ]"


def payment_method_for(channel: str, *, monthly: bool = False) -> str:
    """The payment method a receipt states for a gift received through `channel`."""
    if monthly:
        return MONTHLY_PAYMENT_METHOD
    return PAYMENT_METHODS.get(channel, PAYMENT_METHODS[Channel.ONLINE])


def document_label(kind: str) -> str:
    """ "reçu fiscal" or "attestation de paiement", for titles, emails and file names."""
    return "attestation de paiement" if kind == ReceiptKind.CERTIFICATE else "reçu fiscal"


def format_amount(cents: int) -> str:
    """1234550 -> "12 345,50 €" with no-break spaces (Windows-1252 has no narrow one)."""
    euros, rest = divmod(int(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u00a0")
    return f"{grouped},{rest:02d}\u00a0€"


def format_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def render_receipt_pdf(receipt) -> bytes:
    """The receipt (saved or not) as an A4 PDF. A cancelled receipt says so at the top;
    a replacement names the receipt it replaces."""
    styles = _styles()
    buffer = io.BytesIO()
    label = document_label(receipt.kind)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{label.capitalize()} n° {receipt.reference}",
        author=pdf_text(receipt.issuer.name),
        subject=label,
        creator="Clus'Ter Jura",
        lang="fr-FR",
    )
    story = []
    story += _cancelled_banner(receipt, styles)
    if receipt.kind == ReceiptKind.CERTIFICATE:
        story += _certificate(receipt, styles)
    else:
        story += _tax_receipt(receipt, styles)
    footer = f"{receipt.issuer.name} · {label} n° {receipt.reference}"

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, pdf_text(footer))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


# --- the two documents -----------------------------------------------------------------


def _tax_receipt(receipt, styles) -> list:
    form = CERFA[receipt.kind]
    issuer = receipt.issuer
    company = receipt.kind == ReceiptKind.COMPANY
    story = [
        Paragraph(_x(form["title"]), styles["title"]),
        Paragraph(
            _x(f"{form['law']} · modèle conforme au formulaire Cerfa n° {form['number']}"),
            styles["subtitle"],
        ),
        Paragraph(_x(f"Numéro d'ordre du reçu : {receipt.reference}"), styles["number"]),
    ]
    story += _replaces(receipt, styles)

    story.append(Paragraph("Bénéficiaire des versements", styles["heading"]))
    rows = [
        ("Nom ou dénomination", issuer.name),
        ("SIREN", issuer.siren or "—"),
    ]
    if issuer.rna:
        rows.append(("Numéro RNA", issuer.rna))
    rows += [("Adresse", issuer.address), ("Objet", issuer.purpose)]
    story.append(_fields(rows, styles))
    story.append(Paragraph("Nature de l'organisme bénéficiaire :", styles["label"]))
    story += _boxes([(issuer.kind == kind, text) for kind, text in ISSUER_NATURES], styles)

    story.append(Paragraph("Donateur", styles["heading"]))
    if company:
        rows = [
            ("Dénomination", receipt.donor_name),
            ("Forme juridique", receipt.donor_legal_form or "—"),
            ("SIREN", receipt.donor_siren or "—"),
            ("Adresse", receipt.donor_address),
        ]
    else:
        last_name, first_names = _individual_names(receipt)
        rows = [
            ("Nom", last_name),
            ("Prénoms", first_names),
            ("Adresse", receipt.donor_address),
        ]
    story.append(_fields(rows, styles))

    story.append(Paragraph("Don", styles["heading"]))
    story.append(
        Paragraph(
            _x(
                "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant "
                "droit à réduction d'impôt la somme de :"
            ),
            styles["body"],
        )
    )
    story.append(_fields(_amount_rows(receipt), styles))
    story.append(
        Paragraph(
            _x(
                "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit "
                f"ouvrent droit à la réduction d'impôt prévue à l'article {form['article']}."
            ),
            styles["strong"],
        )
    )
    article_boxes = [
        (not company, "200 du CGI"),
        (company, "238 bis du CGI"),
        (False, "978 du CGI"),
    ]
    story.append(Paragraph("Article du code général des impôts :", styles["label"]))
    story += _boxes(article_boxes, styles, inline=True)
    story.append(Paragraph("Forme du don :", styles["label"]))
    story += _boxes(
        [
            (False, "Acte authentique"),
            (False, "Acte sous seing privé"),
            (True, "Déclaration de don manuel"),
            (False, "Autres"),
        ],
        styles,
        inline=True,
    )
    story.append(Paragraph("Nature du don :", styles["label"]))
    story += _boxes(
        [(True, "Numéraire"), (False, "Titres de sociétés cotés"), (False, "Autres")],
        styles,
        inline=True,
    )
    story.append(
        Paragraph("En cas de don en numéraire, mode de versement du don :", styles["label"])
    )
    ticked = _BOX_OF_METHOD.get(receipt.payment_method, "other")
    story += _boxes(
        [(key == ticked, text) for key, text in CERFA_PAYMENT_BOXES], styles, inline=True
    )
    story.append(Paragraph(_x(f"Mode de versement : {receipt.payment_method}"), styles["body"]))
    story += _signature(receipt, styles)
    return story


def _certificate(receipt, styles) -> list:
    issuer = receipt.issuer
    who = f"la SCIC {issuer.name}" if issuer.kind == IssuerKind.SCIC else issuer.name
    story = [
        Paragraph("Attestation de paiement", styles["title"]),
        Paragraph("Don au fonds d'impulsion · sans avantage fiscal", styles["subtitle"]),
        Paragraph(_x(f"Numéro de l'attestation : {receipt.reference}"), styles["number"]),
    ]
    story += _replaces(receipt, styles)
    story.append(Paragraph("Émetteur", styles["heading"]))
    rows = [("Nom ou dénomination", issuer.name)]
    if issuer.siren:
        rows.append(("SIREN", issuer.siren))
    rows += [("Adresse", issuer.address), ("Objet", issuer.purpose)]
    story.append(_fields(rows, styles))
    story.append(Paragraph("Donateur", styles["heading"]))
    rows = [
        (
            "Nom" if receipt.donor_type == DonorType.INDIVIDUAL else "Dénomination",
            receipt.donor_name,
        )
    ]
    if receipt.donor_type == DonorType.COMPANY:
        rows += [
            ("Forme juridique", receipt.donor_legal_form or "—"),
            ("SIREN", receipt.donor_siren or "—"),
        ]
    rows.append(("Adresse", receipt.donor_address))
    story.append(_fields(rows, styles))
    story.append(Paragraph("Paiement", styles["heading"]))
    story.append(
        Paragraph(
            _x(f"{issuer.name} atteste avoir reçu de ce donateur, en don, la somme de :"),
            styles["body"],
        )
    )
    story.append(
        _fields(
            [*_amount_rows(receipt), ("Mode de versement", receipt.payment_method)],
            styles,
        )
    )
    story.append(Spacer(0, 3 * mm))
    story.append(
        Paragraph(
            _x(
                f"Cette attestation n'ouvre pas droit à réduction d'impôt : {who} ne peut pas "
                "délivrer de reçu fiscal. Elle confirme seulement que votre don a bien été reçu."
            ),
            styles["notice"],
        )
    )
    story += _signature(receipt, styles)
    return story


# --- pieces ----------------------------------------------------------------------------


def _amount_rows(receipt) -> list[tuple[str, str]]:
    rows = [
        ("Montant", format_amount(receipt.amount_cents)),
        ("Somme en toutes lettres", receipt.amount_words),
    ]
    if receipt.is_yearly and receipt.gift_date_end:
        rows.append(
            (
                "Période des versements",
                f"du {format_date(receipt.gift_date)} au {format_date(receipt.gift_date_end)} "
                "(récapitulatif annuel des dons mensuels)",
            )
        )
    else:
        rows.append(("Date du versement", format_date(receipt.gift_date)))
    return rows


def _replaces(receipt, styles) -> list:
    if receipt.replaces_id is None:
        return []
    previous = receipt.replaces
    reason = f" (motif : {previous.cancel_reason})" if previous.cancel_reason else ""
    return [
        Paragraph(
            _x(
                f"Ce document annule et remplace le n° {previous.reference} "
                f"émis le {format_date(previous.issued_at)}{reason}."
            ),
            styles["notice"],
        )
    ]


def _cancelled_banner(receipt, styles) -> list:
    if receipt.status != ReceiptStatus.CANCELLED:
        return []
    when = f" le {format_date(receipt.cancelled_at)}" if receipt.cancelled_at else ""
    reason = f" ({receipt.cancel_reason})" if receipt.cancel_reason else ""
    text = f"DOCUMENT ANNULÉ{when}{reason} : il ne peut plus être utilisé."
    replacement = getattr(receipt, "replaced_by", None) if receipt.pk else None
    if replacement is not None:
        text += f" Il est remplacé par le n° {replacement.reference}."
    return [Paragraph(_x(text), styles["cancelled"]), Spacer(0, 3 * mm)]


def _signature(receipt, styles) -> list:
    issuer = receipt.issuer
    return [
        Spacer(0, 6 * mm),
        KeepTogether(
            [
                Paragraph(
                    _x(f"Date d'émission : {format_date(receipt.issued_at)}"), styles["body"]
                ),
                Paragraph(
                    _x(
                        f"Signataire : {issuer.signatory_name}, {issuer.signatory_title}, "
                        f"pour {issuer.name}"
                    ),
                    styles["body"],
                ),
                Paragraph(_x(f"Signature : {issuer.signatory_name}"), styles["signature"]),
            ]
        ),
    ]


def _individual_names(receipt) -> tuple[str, str]:
    """(last name, first names) from the donation(s) the receipt covers; the frozen full
    name when they cannot be read (a receipt not saved yet)."""
    if receipt.pk:
        donation = receipt.donations.order_by("-received_at", "-pk").first()
        if donation is not None and donation.last_name:
            return donation.last_name, donation.first_name
    return receipt.donor_name, "—"


def _fields(rows, styles) -> Table:
    data = [
        [Paragraph(_x(label), styles["label"]), Paragraph(_x(value), styles["body"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[48 * mm, None], hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    return table


def _boxes(items, styles, *, inline: bool = False) -> list:
    texts = [f"{BOX if ticked else NO_BOX} {text}" for ticked, text in items]
    if inline:
        return [Paragraph("&nbsp;&nbsp;&nbsp;".join(_x(t) for t in texts), styles["boxes"])]
    return [Paragraph(_x(t), styles["boxes"]) for t in texts]


def _styles() -> dict[str, ParagraphStyle]:
    shared = base_styles()
    base = shared["body"]
    return {
        **shared,
        "number": ParagraphStyle(
            "number",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=11,
            alignment=TA_CENTER,
            spaceBefore=4,
            spaceAfter=6,
        ),
        "boxes": ParagraphStyle("boxes", parent=base, leftIndent=4 * mm),
        "notice": ParagraphStyle(
            "notice",
            parent=base,
            fontName="Helvetica-Bold",
            borderColor=GREEN,
            borderWidth=0.8,
            borderPadding=5,
            spaceBefore=4,
            spaceAfter=6,
        ),
        "cancelled": ParagraphStyle(
            "cancelled",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=colors.HexColor("#A4161A"),
            alignment=TA_CENTER,
        ),
        "signature": ParagraphStyle(
            "signature", parent=base, fontName="Helvetica-Oblique", fontSize=12, spaceBefore=4
        ),
    }


_x = pdf_markup  # short: every paragraph of a receipt goes through it
