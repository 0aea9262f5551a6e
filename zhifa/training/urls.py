from django.urls import path

from zhifa.training import views

# No delete routes: training records are kept.
urlpatterns = [
    path("", views.SessionListView.as_view(), name="session_list"),
    path("add/", views.SessionEditView.as_view(), name="session_add"),
    path("hours/", views.HoursView.as_view(), name="hours"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
]
