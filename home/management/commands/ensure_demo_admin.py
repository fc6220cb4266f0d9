import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Crée l'administrateur de démonstration « admin » (mot de passe : DEMO_PASSWORD ou généré)."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD", "").strip()
        user = User.objects.filter(username="admin").first()
        if user is not None and not password:
            self.stdout.write(
                "Administrateur « admin » déjà présent : mot de passe inchangé "
                "(relancez avec DEMO_PASSWORD=... pour le remplacer)."
            )
            return
        if not password:
            password = secrets.token_urlsafe(12)
        if user is None:
            user = User(
                username="admin", email="admin@clusterjura.fr", is_staff=True, is_superuser=True
            )
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS("Administration du site (/admin/) :"))
        self.stdout.write(self.style.SUCCESS(f"  identifiant : admin   mot de passe : {password}"))
