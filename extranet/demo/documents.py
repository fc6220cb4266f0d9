"""Placeholder PDFs for the 2021 general assembly, drawn with reportlab at load time, in
a collection only the associates may open."""

import io

from django.core.files.base import ContentFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from wagtail.documents import get_document_model

from extranet.constants import DocumentKind
from extranet.models import associates_collection

__all__ = ["DOCUMENTS", "associates_collection", "load", "placeholder_pdf"]

DOCUMENTS = [
    # kind, title, file name
    (DocumentKind.FINANCIAL_REPORT, "Rapport financier 2020", "rapport-financier-2020.pdf"),
    (DocumentKind.ACTIVITY_REPORT, "Rapport d'activité 2020", "rapport-activite-2020.pdf"),
    (DocumentKind.MORAL_REPORT, "Rapport moral 2020", "rapport-moral-2020.pdf"),
    (DocumentKind.ACCOUNTS, "Comptes annuels 2020", "comptes-annuels-2020.pdf"),
    (
        DocumentKind.MINUTES,
        "Procès-verbal de l'assemblée générale 2021",
        "proces-verbal-ag-2021.pdf",
    ),
]


def placeholder_pdf(title: str) -> bytes:
    """A one-page PDF that says what it stands for."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{title} — document de démonstration")
    pdf.setAuthor("Clus'Ter Jura")
    width, height = A4
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(60, height - 100, f"{title} — document de démonstration")
    pdf.setFont("Helvetica", 12)
    lines = [
        "Clus'Ter Jura, société coopérative d'intérêt collectif.",
        "Assemblée générale du 24 juin 2021, Conliège.",
        "",
        "Ce document tient la place du vrai document de l'assemblée générale :",
        "il est généré au chargement du contenu de démonstration.",
    ]
    for index, line in enumerate(lines):
        pdf.drawString(60, height - 140 - index * 18, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def load() -> dict:
    """{kind: document} for the 2021 general assembly, created once."""
    Document = get_document_model()
    collection = associates_collection()
    found = {}
    for kind, title, filename in DOCUMENTS:
        document = Document.objects.filter(collection=collection, title=title).first()
        if document is None:
            document = Document(title=title, collection=collection)
            document.file.save(filename, ContentFile(placeholder_pdf(title)), save=False)
            document._set_document_file_metadata()  # size, hash, type: what the admin form does
            document.save()
        found[kind] = document
    return found
