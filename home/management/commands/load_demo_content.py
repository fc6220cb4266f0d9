import time

from django.core.management.base import BaseCommand, CommandError

from home.demo import scale as demo_scale
from home.demo.content import load


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (sans effet s'il est déjà chargé). "
        "--scale N y ajoute un grand site pour les mesures (bench/) : 40 N actualités, "
        "10 N projets, 200 N idées, 100 N dons ; relancé, il n'ajoute que ce qui manque."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="taille du site de mesure (50 : 500 projets, 2 000 actualités, "
            "10 000 idées, 5 000 dons)",
        )

    def handle(self, *args, scale=0, **options):
        if scale < 0 or scale > 500:
            raise CommandError("--scale va de 1 à 500.")
        created = load()
        if created["pages"]:
            self.stdout.write(
                self.style.SUCCESS(f"Contenu de démonstration : {created['pages']} pages créées.")
            )
        else:
            self.stdout.write("Contenu de démonstration déjà présent : rien à faire.")
        if not scale:
            return
        started = time.monotonic()
        added = demo_scale.load(scale)
        done = ", ".join(f"{count} {what}" for what, count in added.items())
        if any(added.values()):
            self.stdout.write(
                self.style.SUCCESS(
                    f"Échelle {scale} : ajouté {done} ({time.monotonic() - started:.0f} s)."
                )
            )
        else:
            self.stdout.write(f"Échelle {scale} déjà atteinte : rien à ajouter.")
