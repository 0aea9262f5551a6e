from django.urls import path

from zhifa.documents import views

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("batch/", views.BatchDownloadView.as_view(), name="document_batch"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/pdf/", views.DocumentFileView.as_view(fmt="pdf"), name="document_pdf"),
    path("<int:pk>/docx/", views.DocumentFileView.as_view(fmt="docx"), name="document_docx"),
    path("<int:pk>/correct/", views.DocumentCorrectView.as_view(), name="document_correct"),
    path("<int:pk>/service/", views.ServiceRecordView.as_view(), name="document_service"),
]
