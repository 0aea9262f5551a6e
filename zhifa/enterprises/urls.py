from django.urls import path

from zhifa.core.personal import UnmaskView
from zhifa.enterprises import views
from zhifa.enterprises.models import Enterprise

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("add/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path(
        "<int:pk>/personal/<str:field>/",
        UnmaskView.for_model(Enterprise, "enterprises.view_personal_data"),
        name="enterprise_unmask",
    ),
    path("<int:pk>/class/", views.EnterpriseOverrideView.as_view(), name="enterprise_override"),
]
