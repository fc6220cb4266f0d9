"""The yearly totals of the receipts, per issuer and kind, for the tax office (the
amount of gifts and the number of receipts issued that entitle donors to a tax
reduction) and the accounts: `manage.py receipt_totals --year 2026`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from donations.constants import ReceiptKind
from donations.models import Receipt, ReceiptCounter, ReceiptIssuer
from donations.pdf import format_amount
from donations.services import receipts


def eur(cents: int) -> str:
    return format_amount(cents).replace("\u00a0", " ")


def count_receipts(count: int) -> str:
    return ngettext("%(count)d reçu", "%(count)d reçus", count) % {"count": count}


def count_and_total(count: int, total_cents: int) -> str:
    return f"{count_receipts(count)}, {eur(total_cents)}" if count else "aucun"


class Command(BaseCommand):
    help = "Affiche les totaux annuels des reçus, par émetteur et par nature."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=timezone.localdate().year - 1,
            help="Année des reçus (par défaut : l'année dernière).",
        )

    def handle(self, *args, year: int, **options):
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise CommandError(f"Année invalide : {year}.")
        issuer_ids = set(Receipt.objects.filter(year=year).values_list("issuer_id", flat=True))
        issuer_ids |= set(
            ReceiptCounter.objects.filter(year=year).values_list("issuer_id", flat=True)
        )
        self.stdout.write(f"Reçus de l'année {year}")
        if not issuer_ids:
            self.stdout.write(f"Aucun reçu ni attestation émis pour {year}.")
            return
        for issuer in ReceiptIssuer.objects.filter(pk__in=issuer_ids).order_by("name", "pk"):
            totals = receipts.yearly_totals(issuer=issuer, year=year)
            ids = ", ".join(
                f"{label} {value}"
                for label, value in (("SIREN", issuer.siren), ("RNA", issuer.rna))
                if value
            )
            self.stdout.write("")
            self.stdout.write(
                self.style.MIGRATE_HEADING(f"{issuer.name}" + (f" ({ids})" if ids else ""))
            )
            for kind in ReceiptKind:
                row = totals["kinds"][kind.value]
                self.stdout.write(
                    f"  {row['label']} : {count_and_total(row['count'], row['total_cents'])}"
                )
            tax = totals["tax_receipts"]
            if tax["count"]:
                self.stdout.write(
                    f"  À déclarer (reçus fiscaux émis, hors annulés) : "
                    f"{count_receipts(tax['count'])}, {eur(tax['total_cents'])} de dons"
                )
            else:
                self.stdout.write(
                    "  Aucun reçu fiscal émis : rien à déclarer au titre des reçus fiscaux."
                )
            self.stdout.write(
                f"  Annulés : {totals['cancelled']} ; dernier numéro attribué : "
                f"{year}-{totals['last_number']:05d}"
            )
