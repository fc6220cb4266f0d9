"""Keep cached navigation right when staff publish, move or delete the news index."""

from django.core.cache import cache
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.templatetags.site_tags import NEWS_INDEX_CACHE_KEY


def forget_news_index_url(sender, **kwargs) -> None:
    cache.delete_many(
        [NEWS_INDEX_CACHE_KEY % pk for pk in Site.objects.values_list("pk", flat=True)]
    )


def connect() -> None:
    from django.db.models.signals import post_delete

    from home.models import NewsIndexPage

    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(
            forget_news_index_url, sender=NewsIndexPage, dispatch_uid=f"news-index-{id(signal)}"
        )
    # post_page_move is sent with the base Page class as sender.
    post_page_move.connect(forget_news_index_url, dispatch_uid="news-index-move")
