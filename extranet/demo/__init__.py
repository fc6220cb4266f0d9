"""Demo content of the extranet, loaded by `manage.py load_demo_content` (make run) and
the tests; production code never imports this package.

- the private documents of the 2021 general assembly (placeholder PDFs drawn at load
  time) in the "Documents des associés" collection, restricted to the associates;
- /extranet/, the general assemblies with the 2021 one (from the article the project
  carries), the three working groups it created;
- demo accounts (associe1, associe2, associe3, visiteur): only with DEBUG on or
  DEMO_USERS=1 (see `people.load`).
"""


def load(home) -> int:
    """Pages created (documents and accounts are not counted)."""
    from extranet.demo import documents, pages, people

    people.load()
    return pages.load(home, documents=documents.load())
