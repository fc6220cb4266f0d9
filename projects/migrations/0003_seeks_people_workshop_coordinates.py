"""Projects whose stage still seeks people offer "Rejoindre ce projet"; workshops may
carry the exact point of their place for the map link.

The first two stages of the starting taxonomy (Idée, En atelier) seek people."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


def stages_that_seek_people(apps, schema_editor):
    ProjectStatus = apps.get_model("projects", "ProjectStatus")
    ProjectStatus.objects.filter(slug__in=["idee", "en-atelier"]).update(seeks_people=True)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_outbox_cancel_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectstatus",
            name="seeks_people",
            field=models.BooleanField(
                default=False,
                help_text="Les projets à ce stade proposent « Rejoindre ce projet » : un formulaire qui écrit au contact du projet (sinon au courriel de l'équipe).",
                verbose_name="cherche encore ses porteurs",
            ),
        ),
        migrations.AddField(
            model_name="workshoppage",
            name="latitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=5,
                help_text="Facultatif, par exemple 46.67440 : place le lien « Voir sur OpenStreetMap » sur le point exact. Sans elle, le lien cherche l'adresse.",
                max_digits=8,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("-90")),
                    django.core.validators.MaxValueValidator(Decimal("90")),
                ],
                verbose_name="latitude",
            ),
        ),
        migrations.AddField(
            model_name="workshoppage",
            name="longitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=5,
                help_text="Facultatif, par exemple 5.55510 (à l'est de Greenwich : positive).",
                max_digits=8,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("-180")),
                    django.core.validators.MaxValueValidator(Decimal("180")),
                ],
                verbose_name="longitude",
            ),
        ),
        migrations.RunPython(stages_that_seek_people, migrations.RunPython.noop),
    ]
