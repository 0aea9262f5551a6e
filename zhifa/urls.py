from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from zhifa.core import views as core_views

handler403 = "zhifa.core.views.permission_denied"
handler404 = "zhifa.core.views.page_not_found"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("zhifa.accounts.urls")),
    path("audit/", include(("zhifa.core.urls", "core"))),
    path("orgs/", include(("zhifa.orgs.urls", "orgs"))),
    path("experts/", include(("zhifa.experts.urls", "experts"))),
    path("enterprises/", include(("zhifa.enterprises.urls", "enterprises"))),
    path("inspections/", include(("zhifa.inspections.urls", "inspections"))),
    path("documents/", include(("zhifa.documents.urls", "documents"))),
    path("planning/", include(("zhifa.planning.urls", "planning"))),
    path("discretion/", include(("zhifa.discretion.urls", "discretion"))),
    path("accidents/", include(("zhifa.accidents.urls", "accidents"))),
    path("training/", include(("zhifa.training.urls", "training"))),
    path("calendar/", include(("zhifa.core.calendar_urls", "calendar"))),
    path("cases/", include(("zhifa.cases.urls", "cases"))),
    path("reviews/", include(("zhifa.reviews.urls", "reviews"))),
    path("bulletins/", include(("zhifa.bulletins.urls", "bulletins"))),
    path("io/", include(("zhifa.core.io_urls", "io"))),
    path("public/", include(("zhifa.disclosure.urls", "disclosure"))),
    path("disclosure/", include(("zhifa.disclosure.internal_urls", "publications"))),
    path("api/v1/", include("zhifa.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file (?script): no inline script under the CSP.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
