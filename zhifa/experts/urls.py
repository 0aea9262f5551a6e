from django.urls import path

from zhifa.experts import views

# No delete routes: an expert leaves the pool by being marked 出库 (active off); records are kept.
urlpatterns = [
    path("", views.ExpertListView.as_view(), name="expert_list"),
    path("add/", views.ExpertEditView.as_view(), name="expert_add"),
    path("<int:pk>/", views.ExpertDetailView.as_view(), name="expert_detail"),
    path("<int:pk>/edit/", views.ExpertEditView.as_view(), name="expert_edit"),
    path("groups/", views.ExpertGroupListView.as_view(), name="group_list"),
    path("groups/<int:pk>/", views.ExpertGroupDetailView.as_view(), name="group_detail"),
]
