"""The publication queue for the district's roles and board leaders (signed in), kept apart from /public/
so that exposing the public portal never exposes these pages."""

from django.urls import path

from zhifa.disclosure import views

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("cases/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
]
