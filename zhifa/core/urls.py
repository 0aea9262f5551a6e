from django.urls import path

from zhifa.core import audit_views

urlpatterns = [
    path("", audit_views.AuditListView.as_view(), name="audit_list"),
    path("export/", audit_views.audit_export, name="audit_export"),
    path("archives/", audit_views.AuditArchiveListView.as_view(), name="audit_archive_list"),
    path("<int:pk>/", audit_views.AuditDetailView.as_view(), name="audit_detail"),
]
