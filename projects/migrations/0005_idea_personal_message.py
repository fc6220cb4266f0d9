"""The team's answer to an idea becomes two fields: the public answer (shown under a
published idea) and a personal message to the submitter (sent with a status change,
never published).

No data moves: the existing column `public_answer` keeps its name and its text, so the
answers written so far stay public answers, and every personal message starts empty.
The registration statuses read "inscrit·e" and "annulé·e" (labels only: the stored
values do not change)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_commune_insee_code_idea_commune_other"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="personal_message",
            field=models.TextField(
                blank=True,
                help_text="Pour la personne seule : envoyé par courriel avec le nouveau statut si elle a accepté d'être recontactée (« Merci Marie, on vous attend à l'atelier »). Jamais publié.",
                max_length=3000,
                validators=[django.core.validators.MaxLengthValidator(3000)],
                verbose_name="message personnel à la personne",
            ),
        ),
        migrations.AlterField(
            model_name="idea",
            name="public_answer",
            field=models.TextField(
                blank=True,
                help_text="Pour tout le monde : la raison du statut, en quelques phrases, affichée sous l'idée sur la page de l'appel quand elle est publiée. Jamais envoyée par courriel.",
                max_length=3000,
                validators=[django.core.validators.MaxLengthValidator(3000)],
                verbose_name="réponse publique",
            ),
        ),
        migrations.AlterField(
            model_name="workshopregistration",
            name="status",
            field=models.CharField(
                choices=[
                    ("confirmed", "inscrit·e"),
                    ("waiting", "liste d'attente"),
                    ("cancelled", "annulé·e"),
                ],
                default="confirmed",
                max_length=12,
                verbose_name="statut",
            ),
        ),
    ]
