"""Staff run the site from the Wagtail admin, in French."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_admin_is_in_french(client, demo_site):
    admin = get_user_model().objects.create_superuser(
        "equipe", "equipe@example.org", "motdepasse-solide"
    )
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Tableau de bord" in response.content.decode()
    assert client.get("/admin/settings/home/organisationsettings/").status_code in (200, 302)


def test_demo_admin_uses_demo_password(monkeypatch, client, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "un-mot-de-passe-de-demo")
    call_command("ensure_demo_admin")
    assert client.login(username="admin", password="un-mot-de-passe-de-demo")
    assert "un-mot-de-passe-de-demo" in capsys.readouterr().out


def test_demo_admin_password_is_generated_and_printed(monkeypatch, client, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("ensure_demo_admin")
    out = capsys.readouterr().out
    password = out.split("mot de passe :")[1].split()[0]
    assert client.login(username="admin", password=password)
    call_command("ensure_demo_admin")
    assert "inchangé" in capsys.readouterr().out
    assert client.login(username="admin", password=password)
