"""The README's environment table stays true: every variable the settings read is listed, and no other."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLING = {"DJANGO_SETTINGS_MODULE", "DEMO_PASSWORD", "PYTHON", "CHROMIUM_PATH"}


def variables_read_by_settings() -> set[str]:
    code = "\n".join(path.read_text() for path in (ROOT / "site").rglob("*.py"))
    return set(re.findall(r'env\.get_\w+\(\s*"([A-Z_]+)"', code))


def variables_in_readme() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Variables d'environnement", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))


def test_readme_lists_exactly_the_variables_the_code_reads():
    read = variables_read_by_settings()
    assert "SECRET_KEY" in read and "DATABASE_URL" in read
    assert variables_in_readme() - TOOLING == read


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
