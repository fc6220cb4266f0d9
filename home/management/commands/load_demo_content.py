from django.core.management.base import BaseCommand

from home.demo.content import load


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans effet s'il est déjà chargé)."

    def handle(self, *args, **options):
        created = load()
        if created["pages"]:
            self.stdout.write(
                self.style.SUCCESS(f"Contenu de démonstration : {created['pages']} pages créées.")
            )
        else:
            self.stdout.write("Contenu de démonstration déjà présent : rien à faire.")
