from django.core.management.base import BaseCommand

from projects.services.communes import DATA_FILE, import_communes


class Command(BaseCommand):
    help = (
        "Ajoute aux communes du site toutes les communes du Jura de "
        "projects/data/communes-jura.json (code officiel géographique, via le paquet "
        "@etalab/decoupage-administratif). Sans effet la seconde fois ; ne renomme ni ne "
        "supprime jamais une commune modifiée par l'équipe."
    )

    def handle(self, *args, **options):
        result = import_communes()
        self.stdout.write(
            f"Communes : {result.created} ajoutée(s), {result.linked} reliée(s) à leur code "
            f"INSEE, {result.unchanged} déjà présente(s). Source : {result.source} "
            f"({DATA_FILE.name})."
        )
