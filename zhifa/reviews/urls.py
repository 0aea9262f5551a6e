from django.urls import path

from zhifa.reviews import views

app_name = "reviews"

# No delete routes: rounds, drawn files and score sheets are kept; a correction is a new version.
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("add/", views.RoundEditView.as_view(), name="round_add"),
    path("<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("<int:pk>/edit/", views.RoundEditView.as_view(), name="round_edit"),
    path("<int:pk>/sample/", views.RoundStepView.as_view(step="sample"), name="round_sample"),
    path("<int:pk>/start/", views.RoundStepView.as_view(step="start"), name="round_start"),
    path("<int:pk>/finish/", views.RoundStepView.as_view(step="finish"), name="round_finish"),
    path("<int:pk>/verify/", views.RoundVerifyView.as_view(), name="round_verify"),
    path("<int:pk>/candidates.json", views.RoundCandidatesView.as_view(), name="round_candidates"),
    path("<int:pk>/export/", views.RoundExportView.as_view(), name="round_export"),
    path("mine/", views.AssignmentQueueView.as_view(), name="assignment_list"),
    path("files/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("files/<int:pk>/score/", views.AssignmentScoreView.as_view(), name="assignment_score"),
    path("files/<int:pk>/correct/", views.AssignmentCorrectView.as_view(), name="assignment_correct"),
    path("files/<int:pk>/case-file.pdf", views.AssignmentCaseFileView.as_view(), name="assignment_case_file"),
    path("rubrics/", views.RubricListView.as_view(), name="rubric_list"),
    path("rubrics/<int:pk>/", views.RubricDetailView.as_view(), name="rubric_detail"),
    path("rubrics/<int:pk>/new-version/", views.RubricNewVersionView.as_view(), name="rubric_new_version"),
    path("rubrics/<int:pk>/edit/", views.RubricEditView.as_view(), name="rubric_edit"),
    path("rubrics/<int:pk>/publish/", views.RubricPublishView.as_view(), name="rubric_publish"),
]
