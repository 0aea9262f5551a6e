from django.urls import path

from zhifa.bulletins import views

# No delete routes: bulletins are kept.
urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin_list"),
    path("generate/", views.BulletinGenerateView.as_view(), name="bulletin_generate"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("weights/", views.WeightsView.as_view(), name="weights"),
    path("<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("<int:pk>/approve/", views.BulletinApproveView.as_view(), name="bulletin_approve"),
    path("<int:pk>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("<int:pk>/pdf/", views.BulletinPdfView.as_view(), name="bulletin_pdf"),
    path("<int:pk>/xlsx/", views.BulletinXlsxView.as_view(), name="bulletin_xlsx"),
]
