"""Page types of the base app: home, generic pages, section indexes and news."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home import agenda, figures, images
from home.blocks import BaseStreamBlock, CallToActionBlock

NEWS_PER_PAGE = 10


def paginate(request, items, per_page):
    """A page of `items` from ?page=, falling back to the first or last page on bad input."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


class HomePage(Page):
    """The site root: purpose, key figures, featured projects, news, calls to action."""

    hero_title = models.CharField(_("titre d'accroche"), max_length=200)
    hero_intro = models.TextField(_("introduction"), max_length=600)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image d'accroche"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose_title = models.CharField(_("titre de la raison d'être"), max_length=200, blank=True)
    purpose = RichTextField(
        _("raison d'être"), blank=True, features=["bold", "italic", "link", "ul"]
    )
    figures_title = models.CharField(
        _("titre des chiffres clés"), max_length=200, default=_("Le Clus'Ter Jura en chiffres")
    )
    calls_to_action = StreamField(
        [("call_to_action", CallToActionBlock())],
        verbose_name=_("appels à l'action"),
        blank=True,
        max_num=4,
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_intro"), FieldPanel("hero_image")],
            heading=_("Accroche"),
        ),
        MultiFieldPanel(
            [FieldPanel("purpose_title"), FieldPanel("purpose")], heading=_("Raison d'être")
        ),
        MultiFieldPanel(
            [FieldPanel("figures_title"), InlinePanel("key_figures", label=_("Chiffre clé"))],
            heading=_("Chiffres clés"),
        ),
        InlinePanel("featured_pages", label=_("Projet à la une"), max_num=6),
        FieldPanel("calls_to_action"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_intro"),
        index.SearchField("purpose"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        # Read only when the template renders them: a cached part ({% cached %}) does not.
        context = super().get_context(request, *args, **kwargs)
        context["key_figures"] = SimpleLazyObject(
            lambda: list(self.key_figures.select_related("link_page"))
        )
        context["featured_pages"] = SimpleLazyObject(self.featured)
        # What a visitor can take part in next, from the apps that own it (home.agenda).
        context["agenda"] = SimpleLazyObject(lambda: agenda.sections(request))
        context["latest_news"] = SimpleLazyObject(self.latest_news)
        return context

    def latest_news(self):
        """The three latest public news items."""
        return (
            NewsPage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("image")
            .prefetch_related(images.renditions_of("image", "card"))
            .order_by("-date", "-pk")[:3]
        )

    def featured(self) -> list[Page]:
        """The featured pages that are live and public, in the order staff chose."""
        ids = [item.page_id for item in self.featured_pages.all()]
        by_id = {
            page.pk: page for page in Page.objects.live().public().filter(pk__in=ids).specific()
        }
        return [by_id[pk] for pk in ids if pk in by_id]


class KeyFigure(Orderable):
    """One figure on the home page: an offset for the history before the site,
    plus, when a source is chosen, what an app counts in its own records."""

    page = ParentalKey(HomePage, related_name="key_figures", on_delete=models.CASCADE)
    label = models.CharField(_("libellé"), max_length=80)
    offset = models.PositiveIntegerField(
        _("valeur de départ"),
        default=0,
        help_text=_("Ce qui a été fait avant le site (par exemple 130 idées depuis 2016)."),
    )
    source = models.CharField(
        _("compté depuis"),
        max_length=40,
        blank=True,
        choices=figures.source_choices,
        help_text=_("Ajoute à la valeur de départ ce que le site enregistre."),
    )
    # Not `prefix`: an inline form's own attribute of that name broke the admin editor.
    qualifier = models.CharField(
        _("avant le nombre"), max_length=20, blank=True, help_text=_("Par exemple « plus de ».")
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page liée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("qualifier"),
        FieldPanel("offset"),
        FieldPanel("source"),
        PageChooserPanel("link_page"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("chiffre clé")

    @cached_property
    def value(self) -> int:
        return self.offset + (figures.count(self.source) if self.source else 0)


class HomePageFeaturedPage(Orderable):
    page_ref = ParentalKey(HomePage, related_name="featured_pages", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("page")]


class StandardPage(Page):
    """A generic page (legal notice, privacy, accessibility, about...)."""

    intro = models.TextField(_("chapeau"), blank=True, max_length=600)
    body = StreamField(BaseStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("page standard")


class SectionIndexPage(Page):
    """A top-level section of the site that lists its children (news, projects,
    workshops, calls for ideas): one of each, right under the home page."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        abstract = True


class NewsIndexPage(RoutablePageMixin, SectionIndexPage):
    """The news listing at /actualites/, paginated, filterable by tag, with an RSS feed."""

    subpage_types = ["home.NewsPage"]

    class Meta:
        verbose_name = _("index des actualités")

    def news(self):
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .defer_streamfields()
            .select_related("image")
            .prefetch_related("tags", images.renditions_of("image", "card"))
            .order_by("-date", "-pk")
        )

    @path("")
    def index(self, request):
        tag = request.GET.get("tag", "").strip()[:100]

        def news_page():
            news = self.news()
            if tag:
                news = news.filter(tags__slug=tag)
            return paginate(request, news, NEWS_PER_PAGE)

        return self.render(
            request,
            context_overrides={
                # Read only when the template renders it: a cached part does not.
                "news_page": SimpleLazyObject(news_page),
                "current_tag": tag,
            },
        )

    @path("rss/", name="rss")
    def rss(self, request):
        from home.feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(Page):
    """A news article: date, intro, body, image and tags."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("chapeau"), max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Le texte alternatif est la description de l'image."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("contenu"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("étiquettes"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
