from django.urls import path

from zhifa.accidents import views

# No delete routes: accident records are kept.
urlpatterns = [
    path("", views.AccidentListView.as_view(), name="accident_list"),
    path("add/", views.AccidentEditView.as_view(), name="accident_add"),
    path("double-decline/", views.DoubleDeclineView.as_view(), name="double_decline"),
    path("<int:pk>/", views.AccidentDetailView.as_view(), name="accident_detail"),
    path("<int:pk>/edit/", views.AccidentEditView.as_view(), name="accident_edit"),
    path("<int:pk>/casualties/", views.CasualtyUpdateView.as_view(), name="casualty_update"),
]
