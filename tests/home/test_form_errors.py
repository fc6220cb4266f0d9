"""Every public form shows its errors the same way, tied to their fields for screen readers.

Sent empty, the idea, workshop registration, gift and login forms answer with an error
summary whose links lead to existing fields, and each field in error carries
aria-invalid and aria-describedby pointing to its message; a group of choices (the
idea's involvement, the gift's frequency) carries aria-describedby on its <fieldset>.
The look itself (same clay border on every kind of field, the label in view after
following a link) is checked in a real browser: tests/browser/test_form_errors.py.
"""

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

FORMS = {
    # name: (address, fields expected in error when sent empty)
    "idea": (
        "/appels-a-idees/transitions-2026/",
        ["title", "description", "theme", "commune", "involvement", "name", "email"],
    ),
    "workshop": ("/ateliers/porter-un-projet-cooperatif/", ["name", "email"]),
    "gift": ("/fonds-impulsion/", ["frequency", "donor_type", "email"]),
    "login": ("/compte/connexion/", ["username", "password"]),
}


class _Elements(HTMLParser):
    """Every element with its attributes, and its enclosing fieldsets."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.fieldsets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, list(self.fieldsets)))
        if tag == "fieldset":
            self.fieldsets.append(attrs)

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()


def elements(html: str):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.fixture
def empty_post(client, demo_site, settings):
    settings.STRIPE_SECRET_KEY = ""

    def post(name):
        address, _fields = FORMS[name]
        response = client.post(address, {})
        assert response.status_code in (200, 400)
        return response.content.decode()

    return post


@pytest.mark.parametrize("name", FORMS)
def test_each_field_in_error_points_to_its_message(empty_post, name):
    html = empty_post(name)
    found = elements(html)
    ids = {attrs.get("id") for _tag, attrs, _sets in found}
    for field in FORMS[name][1]:
        error_id = f"id_{field}_error"
        assert error_id in ids, f"{name}: no message for {field}"
        controls = [
            (tag, attrs, sets)
            for tag, attrs, sets in found
            if tag in {"input", "select", "textarea"} and attrs.get("name") == field
        ]
        assert controls, f"{name}: no control for {field}"
        for tag, attrs, sets in controls:
            assert attrs.get("aria-invalid") == "true", f"{name}: {field} not aria-invalid"
            if attrs.get("type") in {"radio", "checkbox"} and len(controls) > 1:
                # A group: its fieldset is described by the message.
                described = sets[-1].get("aria-describedby", "") if sets else ""
                assert error_id in described.split(), f"{name}: {field}'s fieldset"
            else:
                assert error_id in attrs.get("aria-describedby", "").split(), (
                    f"{name}: {tag} {field} not described by its message"
                )


@pytest.mark.parametrize("name", FORMS)
def test_the_summary_links_lead_to_fields_of_the_page(empty_post, name):
    html = empty_post(name)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, f"{name}: no error summary"
    assert 'role="alert"' in summary.group()
    anchors = re.findall(r'<a href="#([^"]+)"', summary.group())
    ids = {attrs.get("id") for _tag, attrs, _sets in elements(html)}
    assert anchors and all(anchor in ids for anchor in anchors)
    linked_fields = {re.sub(r"^id_|_\d+$", "", anchor) for anchor in anchors}
    assert set(FORMS[name][1]) <= linked_fields


def test_the_involvement_question_is_one_described_group(empty_post):
    """The issue's case: the options say they are invalid, the group says why."""
    html = empty_post("idea")
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Comment souhaitez-vous", html)
    assert fieldset and 'aria-describedby="id_involvement_error"' in fieldset.group()
    radios = re.findall(r'<input type="radio"[^>]*name="involvement"[^>]*>', html)
    assert len(radios) == 3 and all('aria-invalid="true"' in radio for radio in radios)
    group = html[fieldset.start() : html.index("</fieldset>", fieldset.start())]
    assert 'id="id_involvement_error"' in group  # the message sits inside the group
