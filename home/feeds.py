"""RSS feed of the news, served by NewsIndexPage at /actualites/rss/.

Its links are built from settings.BASE_URL, not from the host of the request
(a feed reader keeps them: they must point at the public site).
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from home.links import absolute_url


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "fr"

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index_page.title} — Clus'Ter Jura"

    def link(self):
        return absolute_url(self.index_page.get_url(self.request))

    def feed_url(self):
        return absolute_url(self.request.path)

    def description(self):
        return self.index_page.intro or self.index_page.title

    def items(self):
        return self.index_page.news()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return absolute_url(item.get_url(self.request))

    def item_pubdate(self, item):
        return item.first_published_at
