"""Communes carry their INSEE code (the official list is imported by code, staff's own
communes stay apart); an idea may name a commune outside the list ("Autre commune")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_seeks_people_workshop_coordinates"),
    ]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="insee_code",
            field=models.CharField(
                blank=True,
                help_text="Le code officiel de la commune (39300 pour Lons-le-Saunier) : il relie la commune à la liste importée. Vide pour une commune ajoutée à la main.",
                max_length=5,
                verbose_name="code INSEE",
            ),
        ),
        migrations.AddField(
            model_name="idea",
            name="commune_other",
            field=models.CharField(
                blank=True,
                help_text="La commune écrite par la personne quand elle n'était pas dans la liste (« Autre commune »). Choisissez-la ci-dessus si elle existe, ou ajoutez-la aux communes.",
                max_length=120,
                verbose_name="autre commune",
            ),
        ),
        migrations.AddConstraint(
            model_name="commune",
            constraint=models.UniqueConstraint(
                condition=models.Q(("insee_code", ""), _negated=True),
                fields=("insee_code",),
                name="projects_commune_unique_insee_code",
                violation_error_message="Une autre commune porte déjà ce code INSEE.",
            ),
        ),
    ]
