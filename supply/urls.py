"""Parts supply's pages (issue 19): each room lists its own routes."""

from . import urls_counting, urls_home, urls_purchasing, urls_receiving

app_name = "supply"
urlpatterns = [*urls_home.urlpatterns, *urls_purchasing.urlpatterns, *urls_receiving.urlpatterns,
               *urls_counting.urlpatterns]
