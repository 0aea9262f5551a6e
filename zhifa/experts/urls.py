from django.urls import path

from zhifa.core.personal import UnmaskView
from zhifa.experts import views
from zhifa.experts.models import Expert

# No delete routes: an expert leaves the pool by being marked 出库 (active off); records are kept.
urlpatterns = [
    path("", views.ExpertListView.as_view(), name="expert_list"),
    path("add/", views.ExpertEditView.as_view(), name="expert_add"),
    path("<int:pk>/", views.ExpertDetailView.as_view(), name="expert_detail"),
    path("<int:pk>/edit/", views.ExpertEditView.as_view(), name="expert_edit"),
    path(
        "<int:pk>/personal/<str:field>/",
        UnmaskView.for_model(Expert, "experts.view_personal_data"),
        name="expert_unmask",
    ),
    path("groups/", views.ExpertGroupListView.as_view(), name="group_list"),
    path("groups/<int:pk>/", views.ExpertGroupDetailView.as_view(), name="group_detail"),
]
