from django.core.management.base import BaseCommand

from projects.tasks import send_due_emails


class Command(BaseCommand):
    help = (
        "Envoie les courriels des idées en attente dont l'essai suivant est dû "
        "(à lancer régulièrement, par exemple toutes les 5 minutes depuis cron)."
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
