"""The public portal, mounted at /public/: anonymous, read-only (GET only)."""

from django.urls import path

from zhifa.disclosure import views

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("bodies/", views.BodyListView.as_view(), name="body_list"),
    path("officers/", views.OfficerListView.as_view(), name="officer_list"),
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/<int:pk>/", views.DecisionDetailView.as_view(), name="decision_detail"),
    path("draws/", views.DrawListView.as_view(), name="draw_list"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
]
