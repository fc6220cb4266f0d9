from django.core.management.base import BaseCommand

from home.outbox import send_due_emails


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente dont l'essai suivant est dû. Inutile avec "
        "db_worker (il s'en charge) ; utile après une panne ou avec un moteur de tâches "
        "qui ne sait pas différer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--include-failed",
            action="store_true",
            help="Redonne une série d'essais aux courriels abandonnés.",
        )

    def handle(self, *args, include_failed=False, **options):
        outcome = send_due_emails(include_failed=include_failed)
        if not outcome:
            self.stdout.write("Aucun courriel à envoyer.")
            return
        labels = {
            "sent": "envoyés",
            "retry": "à réessayer",
            "failed": "abandonnés",
            "skipped": "ignorés",
        }
        self.stdout.write(
            ", ".join(f"{count} {labels.get(key, key)}" for key, count in sorted(outcome.items()))
        )
