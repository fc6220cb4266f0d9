"""Every commune of the Jura can be chosen, and a commune outside the list can be written.

The list ships with the site (projects/data/communes-jura.json, from Etalab's
@etalab/decoupage-administratif package): `manage.py import_communes` and the demo load
it, idempotently, never touching what staff edited.
"""

import html
import json
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from home import abuse
from projects.models import Commune, Idea
from projects.services.communes import DATA_FILE, import_communes
from projects.views.ideas import token_scope
from tests.projects.factories import CallForIdeasPageFactory, ThemeFactory

pytestmark = pytest.mark.django_db

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
LONS = {"insee": "39300", "name": "Lons-le-Saunier"}


def test_the_data_file_holds_every_commune_of_the_jura_and_says_where_it_comes_from():
    communes = DATA["communes"]
    assert len(communes) == DATA["count"] > 400
    assert DATA["package"] == "@etalab/decoupage-administratif" and DATA["version"]
    assert DATA["integrity"].startswith("sha512-") and DATA["extracted_on"]
    codes = [commune["insee"] for commune in communes]
    assert len(set(codes)) == len(codes)
    assert all(code.startswith("39") and len(code) == 5 for code in codes)
    by_code = {commune["insee"]: commune for commune in communes}
    assert by_code["39300"]["name"] == "Lons-le-Saunier"
    assert by_code["39300"]["postal_codes"] == ["39000"]
    assert by_code["39368"]["name"] == "Hauts de Bienne"  # Morez's commune since 2016


def test_the_demo_site_has_every_commune_of_the_data_file(demo_site):
    in_database = set(Commune.objects.exclude(insee_code="").values_list("insee_code", flat=True))
    assert in_database == {commune["insee"] for commune in DATA["communes"]}
    lons = Commune.objects.get(insee_code="39300")
    # The demo's own commune (same slug) was linked to its code, not duplicated.
    assert lons.slug == "lons-le-saunier" and lons.postal_code == "39000"
    assert Commune.objects.filter(name="Lons-le-Saunier").count() == 1


def test_importing_again_changes_nothing(demo_site):
    before = list(Commune.objects.values_list("pk", "name", "slug", "postal_code", "insee_code"))
    result = import_communes()
    assert (result.created, result.linked) == (0, 0)
    assert result.unchanged == len(DATA["communes"])
    assert list(Commune.objects.values_list("pk", "name", "slug", "postal_code", "insee_code")) == (
        before
    )


def test_import_keeps_staff_edits_links_their_communes_and_adds_the_missing(db):
    Commune.objects.all().delete()
    renamed = Commune.objects.create(
        name="Lons (préfecture)", slug="lons-prefecture", postal_code="39000", insee_code="39300"
    )
    typed = Commune.objects.create(name="Dole", slug="dole", postal_code="39100")
    homonym = Commune.objects.create(
        name="Arbois", slug="arbois", postal_code="39600", insee_code="99999"
    )
    result = import_communes()

    renamed.refresh_from_db()
    assert renamed.name == "Lons (préfecture)"  # staff's name kept, nothing duplicated
    assert Commune.objects.filter(insee_code="39300").count() == 1
    typed.refresh_from_db()
    assert typed.insee_code == "39198" and typed.name == "Dole"
    # Another commune already holds the slug: the code tells the two apart.
    assert Commune.objects.get(insee_code="39013").slug == "arbois-39013"
    homonym.refresh_from_db()
    assert homonym.insee_code == "99999"
    assert result.linked == 1 and result.created == len(DATA["communes"]) - 2
    assert Commune.objects.exclude(insee_code="").count() == len(DATA["communes"]) + 1


def test_the_command_says_what_it_did_and_where_the_list_comes_from(demo_site, capsys):
    Commune.objects.filter(insee_code="39001").delete()
    call_command("import_communes")
    out = capsys.readouterr().out
    assert "1 ajoutée(s)" in out and f"{len(DATA['communes']) - 1} déjà présente(s)" in out
    assert "@etalab/decoupage-administratif" in out


def test_the_admin_search_finds_an_imported_commune(client, demo_site, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("equipe", "e@example.org", "x"))
    response = client.get(reverse("wagtailsnippets_projects_commune:list"), {"q": "Foncine"})
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Foncine-le-Haut" in text and "Foncine-le-Bas" in text


# --- the idea form -------------------------------------------------------------------


@pytest.fixture
def call(index):
    call = CallForIdeasPageFactory(parent=index, title="Transitions 2026", slug="transitions-2026")
    call.themes.set([ThemeFactory(name="Transition écologique", slug="transition-ecologique")])
    call.save_revision().publish()
    return call


def submission(call, **overrides):
    data = {
        "title": "Une recyclerie de matériaux",
        "description": "Une recyclerie où réparer et revendre les matériaux de chantier.",
        "theme": str(call.themes.get().pk),
        "commune": str(Commune.objects.get(insee_code="39300").pk),
        "commune_other": "",
        "involvement": "contribute",
        "name": "Camille Martin",
        "email": "camille@example.org",
        "consent_processing": "on",
        abuse.STARTED_FIELD: abuse.start_token(scope=token_scope(call), now=time.time() - 60),
        abuse.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return data


def commune_select(response) -> str:
    body = response.content.decode()
    match = re.search(r'<select name="commune".*?</select>', body, re.S)
    assert match, "no commune select"
    return match.group()


def test_the_idea_form_offers_every_commune_grouped_by_initial_then_another(
    client, demo_site, call
):
    select = commune_select(client.get(call.url))
    values = re.findall(r'<option value="([^"]*)"', select)
    communes = Commune.objects.count()
    assert communes >= len(DATA["communes"])
    assert len(values) == communes + 2  # the empty choice and "Autre commune"
    assert values[:2] == ["", "autre"]
    assert "Autre commune (à écrire ci-dessous)" in select
    groups = re.findall(r'<optgroup label="([^"]*)"', select)
    assert groups[0] == "Hors de la liste" and groups[1:4] == ["A", "B", "C"]
    # Accents do not push a commune to the end: "Écrille" sits among the E.
    assert groups.index("E") < groups.index("F")
    e_group = select.split('<optgroup label="E">')[1].split("</optgroup>")[0]
    assert "Écrille (39270)" in html.unescape(e_group)
    assert "Lons-le-Saunier (39000)" in html.unescape(select)
    assert 'name="commune_other"' in client.get(call.url).content.decode()


def test_another_commune_is_stored_shown_to_staff_and_in_their_email(
    client, demo_site, call, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            call.url, submission(call, commune="autre", commune_other="Pontarlier, Doubs")
        )
    assert response.status_code == 302
    idea = Idea.objects.get(call=call)
    assert idea.commune is None and idea.commune_other == "Pontarlier, Doubs"
    assert idea.commune_label == "Pontarlier, Doubs"
    staff_mail = next(m for m in mail.outbox if "Nouvelle idée" in m.body)
    assert "Pontarlier, Doubs (autre commune, hors de la liste)" in staff_mail.body

    client.force_login(django_user_model.objects.create_superuser("equipe", "e@example.org", "x"))
    listing = html.unescape(client.get(reverse("wagtailsnippets_projects_idea:list")).text)
    assert "Pontarlier, Doubs" in listing
    edit = client.get(reverse("wagtailsnippets_projects_idea:edit", args=[idea.pk])).text
    assert "Pontarlier, Doubs" in html.unescape(edit)


def test_a_name_typed_with_no_choice_counts_as_another_commune(client, demo_site, call):
    client.post(call.url, submission(call, commune="", commune_other="Morbier"))
    idea = Idea.objects.get(call=call)
    assert idea.commune is None and idea.commune_other == "Morbier"


def test_a_commune_of_the_list_wins_over_a_typed_name(client, demo_site, call):
    client.post(call.url, submission(call, commune_other="Ailleurs"))
    idea = Idea.objects.get(call=call)
    assert idea.commune.insee_code == "39300" and idea.commune_other == ""


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"commune": "autre", "commune_other": "  "},
            "commune_other",
            "Écrivez le nom de la commune, puisqu'elle n'est pas dans la liste.",
        ),
        (
            {"commune": "", "commune_other": ""},
            "commune",
            "Choisissez la commune concernée par votre idée, ou « Autre commune » si elle "
            "n'est pas dans la liste.",
        ),
        ({"commune": "999999"}, "commune", "Choisissez une commune dans la liste."),
        ({"commune": "autre", "commune_other": "x" * 121}, "commune_other", "120 caractères"),
    ],
)
def test_a_missing_or_wrong_commune_is_explained_next_to_its_field(
    client, demo_site, call, data, field, message
):
    response = client.post(call.url, submission(call, **data))
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert message in text
    assert f'<a href="#id_{field}">' in text  # the summary links to the field
    assert f'id="id_{field}_error"' in text
    assert not Idea.objects.filter(call=call).exists()
