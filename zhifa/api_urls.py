"""The API under /api/v1/: one router, each app registering its resources."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
