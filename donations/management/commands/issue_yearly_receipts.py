"""Issue and email the yearly receipt of each monthly donor (run in January for the
year before): `manage.py issue_yearly_receipts --year 2026 [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from donations.pdf import document_label, format_amount
from donations.services import receipts


def eur(cents: int) -> str:
    return format_amount(cents).replace("\u00a0", " ")


class Command(BaseCommand):
    help = "Émet et envoie le reçu annuel de chaque donateur mensuel pour une année."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=timezone.localdate().year - 1,
            help="Année des dons (par défaut : l'année dernière).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Affiche ce qui serait émis, sans rien émettre ni envoyer.",
        )

    def handle(self, *args, year: int, dry_run: bool, **options):
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"Année invalide : {year}.")
        self.stdout.write(
            f"Reçus annuels des dons mensuels de {year}" + (" (simulation)" if dry_run else "")
        )
        if year == timezone.localdate().year:
            self.stdout.write(
                self.style.WARNING(
                    f"L'année {year} n'est pas terminée : les dons à venir feront l'objet "
                    "d'un autre reçu."
                )
            )
        donors = receipts.donors_due_yearly(year)
        if not donors:
            self.stdout.write(f"Aucun don mensuel de {year} à couvrir : rien à émettre.")
            return
        count = failed = 0
        for email in donors:
            if dry_run:
                for group in receipts.yearly_groups(email=email, year=year):
                    count += 1
                    self.stdout.write(
                        f"  à émettre : {email} — {self._gifts(len(group.donations))}, "
                        f"{eur(group.amount_cents)} ({document_label(group.kind)}, "
                        f"{group.issuer.name})"
                    )
                continue
            try:
                while (receipt := receipts.issue_yearly(email=email, year=year)) is not None:
                    count += 1
                    self.stdout.write(
                        f"  émis : n° {receipt.reference} pour {email} — "
                        f"{self._gifts(receipt.donations.count())}, {eur(receipt.amount_cents)} "
                        f"({document_label(receipt.kind)}, {receipt.issuer.name}), "
                        "envoyé par courriel"
                    )
            except Exception as error:  # one donor's failure does not stop the others
                failed += 1
                self.stderr.write(f"  échec pour {email} : {error}")
        if not count:
            self.stdout.write("Aucun reçu émis.")
        elif dry_run:
            self.stdout.write(
                ngettext(
                    "Simulation : %(count)d reçu serait émis ; rien n'a été enregistré ni envoyé.",
                    "Simulation : %(count)d reçus seraient émis ; rien n'a été enregistré ni envoyé.",
                    count,
                )
                % {"count": count}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "%(count)d reçu émis et envoyé.", "%(count)d reçus émis et envoyés.", count
                    )
                    % {"count": count}
                )
            )
        if failed:
            raise CommandError(
                ngettext(
                    "%(count)d donateur en échec : relancez la commande.",
                    "%(count)d donateurs en échec : relancez la commande.",
                    failed,
                )
                % {"count": failed}
            )

    @staticmethod
    def _gifts(count: int) -> str:
        return ngettext("%(count)d don", "%(count)d dons", count) % {"count": count}
