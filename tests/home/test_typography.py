"""French typography: no-break spaces before `: ; ! ?` and inside « », in editorial text
(titles, intros, rich text) and in every email, never inside an address, a time, a tag
or an attribute; rich text stays the same HTML."""

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from home.typography import french_spacing, french_spacing_html

NBSP = "\u00a0"  # before ":" and inside « »
NNBSP = "\u202f"  # before ";", "!" and "?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An ordinary space becomes a no-break one.
        ("Bonjour !", f"Bonjour{NNBSP}!"),
        ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
        ("d'abord ; ensuite", f"d'abord{NNBSP}; ensuite"),
        ("Ordre du jour : budget", f"Ordre du jour{NBSP}: budget"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        # A missing space is added between a word and the end of a phrase.
        ("Attention: la date change", f"Attention{NBSP}: la date change"),
        ("Merci!", f"Merci{NNBSP}!"),
        ("Vraiment?!", f"Vraiment{NNBSP}?!"),
        ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),
        ("« Et alors ? »", f"«{NBSP}Et alors{NNBSP}?{NBSP}»"),
        ("Notes:\nrien", f"Notes{NBSP}:\nrien"),
        ("Fin:", f"Fin{NBSP}:"),
        # Times, ratios, addresses and query strings are left alone.
        ("Rendez-vous à 14:30 précises", "Rendez-vous à 14:30 précises"),
        ("Le score 3:2", "Le score 3:2"),
        ("http://exemple.fr/a?b=1:c", "http://exemple.fr/a?b=1:c"),
        ("https://clusterjura.fr/ateliers/?page=2", "https://clusterjura.fr/ateliers/?page=2"),
        ("mailto:contact@clusterjura.fr", "mailto:contact@clusterjura.fr"),
        ("www.clusterjura.fr/?q=a;b", "www.clusterjura.fr/?q=a;b"),
        ("/projets/?theme=x", "/projets/?theme=x"),
        ("Écrivez à nom@exemple.fr", "Écrivez à nom@exemple.fr"),
        # Punctuation right after an address belongs to the sentence.
        ("Voir https://exemple.fr/a ; merci", f"Voir https://exemple.fr/a{NNBSP}; merci"),
        ("Lien : https://exemple.fr/x?y=1", f"Lien{NBSP}: https://exemple.fr/x?y=1"),
        ("Écrivez-nous : contact@exemple.fr !", f"Écrivez-nous{NBSP}: contact@exemple.fr{NNBSP}!"),
        # Nothing to do, or nothing to do twice.
        ("", ""),
        ("Un texte sans ponctuation haute", "Un texte sans ponctuation haute"),
        (f"Déjà{NBSP}: fait{NNBSP}!", f"Déjà{NBSP}: fait{NNBSP}!"),
        ("::", "::"),
        (": en tête de ligne", ": en tête de ligne"),
    ],
)
def test_plain_text(text, expected):
    assert french_spacing(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Bonjour !", "«Bonjour»", "Attention: oui ; non ?", "Lien : https://x.fr/?a=b:c !"],
)
def test_plain_text_is_idempotent(text):
    once = french_spacing(text)
    assert french_spacing(once) == once


class _Tags(HTMLParser):
    """The sequence of tags and attributes of a document: what must never change."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.tags.append(("end", tag))

    def handle_entityref(self, name):
        self.tags.append(("entity", name))

    def handle_charref(self, name):
        self.tags.append(("charref", name))


def tags_of(markup: str) -> list:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Bonjour !</p>", f"<p>Bonjour{NNBSP}!</p>"),
        # Text runs across inline tags.
        ("<p>Merci <strong>Marie</strong>!</p>", f"<p>Merci <strong>Marie</strong>{NNBSP}!</p>"),
        ("<p>«<em>Le Jura</em>»</p>", f"<p>«{NBSP}<em>Le Jura</em>{NBSP}»</p>"),
        # Attributes and URLs in them are never touched, the link text is.
        (
            '<a href="https://x.fr/?a=b:c" title="Voir : ici">Voir :</a>',
            f'<a href="https://x.fr/?a=b:c" title="Voir : ici">Voir{NBSP}:</a>',
        ),
        # Entities stay entities, and a no-break space written as one is kept.
        ("<p>Tom &amp; Jerry : oui</p>", f"<p>Tom &amp; Jerry{NBSP}: oui</p>"),
        ("<p>réseau&nbsp;: dites</p>", "<p>réseau&nbsp;: dites</p>"),
        ("<p>«&nbsp;Fonds&nbsp;»</p>", "<p>«&nbsp;Fonds&nbsp;»</p>"),
        ("<p>l&#x27;atelier : demain</p>", f"<p>l&#x27;atelier{NBSP}: demain</p>"),
        # Code, scripts and form fields keep their text.
        ("<p><code>a ? b : c</code> ou d ?</p>", f"<p><code>a ? b : c</code> ou d{NNBSP}?</p>"),
        ("<pre>x : y</pre>", "<pre>x : y</pre>"),
        ("<script>if (a ? b : c) {}</script>", "<script>if (a ? b : c) {}</script>"),
        ("<textarea>Et :</textarea>", "<textarea>Et :</textarea>"),
        # A block starts a new run: no space added at the start of a paragraph.
        ("<p>Fin</p><p>!</p>", "<p>Fin</p><p>!</p>"),
        ("<!-- note : x -->", "<!-- note : x -->"),
        ("", ""),
    ],
)
def test_html(markup, expected):
    assert french_spacing_html(markup) == expected


def test_rich_text_keeps_every_tag_attribute_and_entity():
    markup = (
        '<h2 id="a:b">Ordre du jour : budget</h2>'
        '<p>Venez ! <a href="/ateliers/?page=2#x:y" data-x="a ; b">Les ateliers</a> : '
        "14:30, <em>salle «Bleue»</em>.</p>"
        "<ul><li>Question ?</li><li>R&amp;D ; suite</li></ul><br/><img alt='Photo : lac' src=x>"
    )
    spaced = french_spacing_html(markup)
    assert tags_of(spaced) == tags_of(markup)
    assert f"Ordre du jour{NBSP}: budget" in spaced and f"Venez{NNBSP}!" in spaced
    assert "14:30" in spaced and f"«{NBSP}Bleue{NBSP}»" in spaced
    assert french_spacing_html(spaced) == spaced


def render(source: str, **context) -> str:
    return Template("{% load typography %}" + source).render(Context(context))


def test_the_filter_escapes_plain_text_after_spacing_it():
    out = render("{{ title|typo }}", title="<b>Ateliers</b> : 14:30 & plus !")
    assert out == f"&lt;b&gt;Ateliers&lt;/b&gt;{NBSP}: 14:30 &amp; plus{NNBSP}!"


def test_the_filter_keeps_safe_html_safe_and_only_spaces_its_text():
    out = render("{{ body|typo }}", body=mark_safe('<p title="a : b">Oui !</p>'))
    assert out == f'<p title="a : b">Oui{NNBSP}!</p>'
    block = render("{% filter typo %}<p>{{ name }} : oui</p>{% endfilter %}", name="<i>")
    assert block == f"<p>&lt;i&gt;{NBSP}: oui</p>"


def test_the_filter_reads_objects_that_render_as_html():
    class RichText:
        def __html__(self):
            return "<p>Et alors ?</p>"

    out = render("{{ value|typo }}", value=RichText())
    assert out == f"<p>Et alors{NNBSP}?</p>"
    assert render("{{ value|typo }}", value="") == ""


# --- where it applies: emails and editorial text of pages -----------------------------


@pytest.mark.django_db
def test_every_email_gets_french_spacing_in_its_subject_and_bodies_but_not_its_links(
    client, demo_site
):
    """Through the outbox: the idea's acknowledgement, as sent after a submission."""
    from home.models import OutboxEmail
    from projects.models import CallForIdeasPage, Idea
    from projects.services.ideas import submit_idea

    call = CallForIdeasPage.objects.live().filter(slug="transitions-2026").get()
    idea = submit_idea(
        call=call,
        title="Des vélos partagés : pourquoi pas ?",
        description="Une flotte de vélos à assistance électrique pour les villages du Haut-Jura.",
        involvement=Idea.Involvement.CONTRIBUTE,
        name="Camille Martin",
        email="camille@example.org",
        consent_processing=True,
    )
    email = OutboxEmail.objects.about(idea).get(to="camille@example.org")
    assert email.subject == (
        f"Votre idée «{NBSP}Des vélos partagés{NBSP}: pourquoi pas{NNBSP}?{NBSP}» a bien été reçue"
    )
    assert f"Nous avons bien reçu votre idée{NBSP}:" in email.body_text
    assert f"Et maintenant{NNBSP}?" in email.body_text
    # The call's address is kept as it is, colon and all.
    page_line = next(line for line in email.body_text.splitlines() if "Page de l'appel" in line)
    assert re.fullmatch(rf"Page de l'appel{NBSP}: https?://[^\s{NBSP}]+{call.url}", page_line)
    assert " :" not in email.body_text and " ?" not in email.body_text
    assert f"Et maintenant{NNBSP}?" in email.body_html
    assert tags_of(email.body_html) == tags_of(email.body_html.replace(NBSP, " "))


@pytest.mark.django_db
def test_page_titles_intros_and_rich_text_get_french_spacing(client, demo_site):
    from home.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.get()
    page = NewsPage(
        title="Assemblée : le bilan",
        slug="bilan-typo",
        intro="Ce qui change ? Tout !",
        body=[("paragraph", '<p>Rendez-vous à 14:30 : <a href="/ateliers/?a=b:c">ici</a> !</p>')],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    body = client.get(page.url).content.decode()
    assert f"<h1>Assemblée{NBSP}: le bilan</h1>" in body
    assert f"Ce qui change{NNBSP}? Tout{NNBSP}!" in body
    assert f'Rendez-vous à 14:30{NBSP}: <a href="/ateliers/?a=b:c">ici</a>{NNBSP}!' in body
    # The listing's card too.
    listing = client.get(index.url).content.decode()
    assert f"Assemblée{NBSP}: le bilan" in listing
