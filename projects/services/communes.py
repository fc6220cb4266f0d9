"""The communes of the Jura, from the official list shipped with the site.

projects/data/communes-jura.json holds every current commune of the département
(INSEE code, name, postal codes), extracted from Etalab's `@etalab/decoupage-administratif`
package by bin/extract-communes. `import_communes` brings the taxonomy up to it:

- a commune already linked to its INSEE code is left as staff edited it;
- a commune typed by hand (the demo's, staff's) whose name gives the same slug is
  linked to its code, its name and postal code kept;
- every other commune of the list is created;
- nothing is renamed, moved or removed.

Running it twice changes nothing. It is what `manage.py import_communes` and the demo
loader run.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from wagtail.search.backends import get_search_backend

from projects.models import Commune

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "communes-jura.json"


@dataclass(frozen=True)
class CommuneRow:
    insee: str
    name: str
    postal_codes: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    created: int
    linked: int
    unchanged: int
    source: str


def read_data_file(path: Path = DATA_FILE) -> tuple[str, list[CommuneRow]]:
    """(where the list comes from, its communes)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        CommuneRow(row["insee"], row["name"], tuple(row.get("postal_codes") or ()))
        for row in data["communes"]
    ]
    return data["source"], rows


def import_communes(path: Path = DATA_FILE) -> ImportResult:
    """Every commune of the data file in the taxonomy (see the module's docstring)."""
    source, rows = read_data_file(path)
    with transaction.atomic():
        communes = list(Commune.objects.select_for_update().order_by("pk"))
        by_code = {commune.insee_code: commune for commune in communes if commune.insee_code}
        by_slug = {commune.slug: commune for commune in communes}
        to_link, to_create = [], []
        for row in rows:
            if row.insee in by_code:
                continue
            slug = slugify(row.name)
            existing = by_slug.get(slug)
            if existing is not None and not existing.insee_code:
                existing.insee_code = row.insee
                by_code[row.insee] = existing
                to_link.append(existing)
                continue
            if existing is not None:  # same name, another commune: the code tells them apart
                slug = f"{slug}-{row.insee}"
            commune = Commune(
                name=row.name,
                slug=slug,
                postal_code=row.postal_codes[0] if row.postal_codes else "",
                insee_code=row.insee,
            )
            by_slug[slug] = by_code[row.insee] = commune
            to_create.append(commune)
        Commune.objects.bulk_update(to_link, ["insee_code"])
        created = Commune.objects.bulk_create(to_create)
    if created:
        # bulk_create sends no signal: the admin's search learns the new communes here.
        get_search_backend().add_bulk(Commune, created)
    return ImportResult(
        created=len(created),
        linked=len(to_link),
        unchanged=len(rows) - len(created) - len(to_link),
        source=source,
    )
