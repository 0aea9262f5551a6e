from django.urls import path

from zhifa.core.personal import UnmaskView
from zhifa.inspections import views
from zhifa.inspections.models import Hazard, Inspection, ReInspection

# No delete routes: records are kept; a signed record is corrected by new records, never edited.
urlpatterns = [
    # The on-site record
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("start/", views.InspectionStartView.as_view(), name="inspection_start"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection_edit"),
    path(
        "<int:pk>/personal/<str:field>/",
        UnmaskView.for_model(Inspection, "inspections.view_personal_data"),
        name="inspection_unmask",
    ),
    path("<int:pk>/item/", views.InspectionItemView.as_view(), name="inspection_item"),
    path("<int:pk>/sign-off/", views.InspectionSignOffView.as_view(), name="inspection_sign_off"),
    path("<int:pk>/refer/", views.ReferView.as_view(model=Inspection), name="inspection_refer"),
    path(
        "<int:pk>/evidence/", views.EvidenceUploadView.as_view(model=Inspection), name="inspection_evidence"
    ),
    path("<int:pk>/rectify/", views.RectificationIssueView.as_view(), name="order_issue"),
    # Hazards and the queue towards cases
    path("hazards/", views.HazardListView.as_view(), name="hazard_list"),
    path("hazards/<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("hazards/<int:pk>/move/", views.HazardMoveView.as_view(), name="hazard_move"),
    path("hazards/<int:pk>/refer/", views.ReferView.as_view(model=Hazard), name="hazard_refer"),
    path(
        "hazards/<int:pk>/evidence/", views.EvidenceUploadView.as_view(model=Hazard), name="hazard_evidence"
    ),
    path("case-sources/", views.CaseSourceListView.as_view(), name="casesource_list"),
    # Rectification, extensions and re-inspection
    path("orders/", views.RectificationOrderListView.as_view(), name="order_list"),
    path("orders/<int:pk>/", views.RectificationOrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/extension/", views.ExtensionRequestView.as_view(), name="extension_add"),
    path("orders/<int:pk>/reinspect/", views.ReInspectionStartView.as_view(), name="reinspection_start"),
    path("extensions/", views.ExtensionListView.as_view(), name="extension_list"),
    path("extensions/<int:pk>/", views.ExtensionDetailView.as_view(), name="extension_detail"),
    path("extensions/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension_decide"),
    path("reinspections/<int:pk>/", views.ReInspectionDetailView.as_view(), name="reinspection_detail"),
    path("reinspections/<int:pk>/edit/", views.ReInspectionEditView.as_view(), name="reinspection_edit"),
    path(
        "reinspections/<int:pk>/sign-off/",
        views.ReInspectionSignOffView.as_view(),
        name="reinspection_sign_off",
    ),
    path(
        "reinspections/<int:pk>/evidence/",
        views.EvidenceUploadView.as_view(model=ReInspection),
        name="reinspection_evidence",
    ),
    # Evidence files
    path(
        "evidence/<int:pk>/thumbnail/",
        views.EvidenceFileView.as_view(thumbnail=True),
        name="evidence_thumbnail",
    ),
    path("evidence/<int:pk>/download/", views.EvidenceFileView.as_view(), name="evidence_download"),
    # Checklists
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/add/", views.ChecklistAddView.as_view(), name="checklist_add"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path("checklists/<int:pk>/edit/", views.ChecklistEditView.as_view(), name="checklist_edit"),
    path(
        "checklists/<int:pk>/new-version/",
        views.ChecklistActionView.as_view(action="new_version"),
        name="checklist_new_version",
    ),
    path(
        "checklists/<int:pk>/publish/",
        views.ChecklistActionView.as_view(action="publish"),
        name="checklist_publish",
    ),
]
