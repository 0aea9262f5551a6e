from django.urls import path

from zhifa.cases import views
from zhifa.cases.models import Case
from zhifa.core.personal import UnmaskView

app_name = "cases"

# No delete routes: a registered case ends revoked, transferred or archived, never deleted.
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("add/", views.CaseAddView.as_view(), name="case_add"),
    path("from-source/<int:pk>/", views.CaseAddView.as_view(), name="case_from_source"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/step/<str:name>/", views.CaseStepView.as_view(), name="case_step"),
    path(
        "<int:pk>/personal/<str:field>/",
        UnmaskView.for_model(Case, "cases.view_personal_data"),
        name="case_unmask",
    ),
    path("<int:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("<int:pk>/case-file.pdf", views.CaseFileView.as_view(), name="case_file"),
    path("evidence/<int:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("reviews/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("deadlines/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("rules/", views.RulesListView.as_view(), name="rules_list"),
    path("rules/add/", views.RulesEditView.as_view(), name="rules_add"),
    path("rules/<int:pk>/", views.RulesDetailView.as_view(), name="rules_detail"),
    path("rules/<int:pk>/edit/", views.RulesEditView.as_view(), name="rules_edit"),
]
