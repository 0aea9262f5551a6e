"""Excel import and export pages (namespace ``io``): one pair of URLs per kind of record."""

urlpatterns: list = []
