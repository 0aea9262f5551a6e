from django.urls import path

from zhifa.discretion import views

# No delete routes: a published version is withdrawn (撤销), never deleted; drafts drop tiers only.
urlpatterns = [
    path("", views.CatalogueListView.as_view(), name="catalogue_list"),
    path("add/", views.CatalogueFormView.as_view(), name="catalogue_add"),
    path("<int:pk>/", views.CatalogueDetailView.as_view(), name="catalogue_detail"),
    path("<int:pk>/edit/", views.CatalogueFormView.as_view(), name="catalogue_edit"),
    path(
        "<int:pk>/new-version/",
        views.CatalogueActionView.as_view(action="new_version"),
        name="catalogue_new_version",
    ),
    path("<int:pk>/publish/", views.CatalogueActionView.as_view(action="publish"), name="catalogue_publish"),
    path("<int:pk>/retire/", views.CatalogueActionView.as_view(action="retire"), name="catalogue_retire"),
    path("<int:pk>/types/add/", views.ViolationTypeFormView.as_view(adding=True), name="type_add"),
    path("<int:pk>/factors/add/", views.FactorFormView.as_view(adding=True), name="factor_add"),
    path("types/<int:pk>/", views.ViolationTypeDetailView.as_view(), name="type_detail"),
    path("types/<int:pk>/edit/", views.ViolationTypeFormView.as_view(), name="type_edit"),
    path("types/<int:pk>/propose/", views.ViolationTypeProposeView.as_view(), name="type_propose"),
    path("factors/<int:pk>/edit/", views.FactorFormView.as_view(), name="factor_edit"),
]
