"""Knowledge base API routes; every path answers with and without its slash.

Names: kb-article-list, kb-article-detail, kb-article-suggest, kb-article-deflect.
"""

from servicedesk.api import OptionalSlashRouter

from .views import ArticleViewSet

router = OptionalSlashRouter()
router.include_root_view = False
router.include_format_suffixes = False
router.register("kb/articles", ArticleViewSet, basename="kb-article")

urlpatterns = router.urls
