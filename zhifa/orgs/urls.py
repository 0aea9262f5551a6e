from django.urls import path

from zhifa.core.personal import UnmaskView
from zhifa.orgs import views
from zhifa.orgs.models import Officer

# No delete routes: records are kept (officers are deactivated, certificates suspended or revoked).
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("officers/", views.OfficerListView.as_view(), name="officer_list"),
    path("officers/add/", views.OfficerEditView.as_view(), name="officer_add"),
    path("officers/<int:pk>/", views.OfficerDetailView.as_view(), name="officer_detail"),
    path("officers/<int:pk>/edit/", views.OfficerEditView.as_view(), name="officer_edit"),
    path(
        "officers/<int:pk>/personal/<str:field>/",
        UnmaskView.for_model(Officer, "orgs.view_personal_data"),
        name="officer_unmask",
    ),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/add/", views.CertificateEditView.as_view(), name="certificate_add"),
    path("certificates/<int:pk>/edit/", views.CertificateEditView.as_view(), name="certificate_edit"),
    path("equipment/", views.EquipmentListView.as_view(), name="equipment_list"),
    path("equipment/add/", views.EquipmentEditView.as_view(), name="equipment_add"),
    path("equipment/<int:pk>/", views.EquipmentDetailView.as_view(), name="equipment_detail"),
    path("equipment/<int:pk>/edit/", views.EquipmentEditView.as_view(), name="equipment_edit"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("secondments/add/", views.SecondmentEditView.as_view(), name="secondment_add"),
    path("secondments/<int:pk>/edit/", views.SecondmentEditView.as_view(), name="secondment_edit"),
    path("pairings/add/", views.PairingEditView.as_view(), name="pairing_add"),
    path("pairings/<int:pk>/edit/", views.PairingEditView.as_view(), name="pairing_edit"),
    path("staffing/", views.StaffingView.as_view(), name="staffing"),
    path("staffing/<int:pk>/", views.StaffingBoardView.as_view(), name="staffing_board"),
]
