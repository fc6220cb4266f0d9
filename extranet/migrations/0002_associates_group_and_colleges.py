"""The "Associés" group (no permission: associates never reach Wagtail's admin), the
five voting colleges of the SCIC and one group per college ("Collège : …")."""

from django.db import migrations

ASSOCIATES_GROUP = "Associés"
COLLEGES = [
    ("salaries", "Salariés", "Les salariés de la coopérative."),
    (
        "beneficiaires",
        "Bénéficiaires",
        "Les porteurs de projets et les habitants qui bénéficient des activités du cluster.",
    ),
    (
        "collectivites",
        "Collectivités locales",
        "Les communes, communautés de communes et autres collectivités du territoire.",
    ),
    (
        "partenaires",
        "Partenaires",
        "Les entreprises, associations et organismes qui soutiennent le cluster.",
    ),
    ("fondateurs", "Fondateurs", "Les associés qui ont fondé la SCIC en 2016."),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    College = apps.get_model("extranet", "College")
    Group.objects.get_or_create(name=ASSOCIATES_GROUP)
    for order, (slug, name, description) in enumerate(COLLEGES):
        group, _created = Group.objects.get_or_create(name=f"Collège : {name}")
        College.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "sort_order": order,
                "group": group,
            },
        )


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    College = apps.get_model("extranet", "College")
    slugs = [slug for slug, _name, _description in COLLEGES]
    group_ids = list(
        College.objects.filter(slug__in=slugs)
        .exclude(group=None)
        .values_list("group_id", flat=True)
    )
    College.objects.filter(slug__in=slugs).delete()
    Group.objects.filter(pk__in=group_ids).delete()
    Group.objects.filter(name=ASSOCIATES_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("extranet", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
