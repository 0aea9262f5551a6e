"""The API under /api/v1/: one router, each app registering its resources."""

from rest_framework import permissions, routers

from zhifa.accidents.api.views import AccidentViewSet
from zhifa.bulletins.api.views import BulletinViewSet
from zhifa.cases.api.views import CaseDeadlineViewSet, CaseViewSet, LegalReviewViewSet
from zhifa.core.calendar_api import CalendarDayViewSet, PeriodRuleViewSet
from zhifa.disclosure.api.views import (
    PublicBodyViewSet,
    PublicDecisionViewSet,
    PublicDrawViewSet,
    PublicOfficerViewSet,
)
from zhifa.discretion.api.views import CatalogueViewSet, ViolationTypeViewSet
from zhifa.documents.api.views import IssuedDocumentViewSet
from zhifa.enterprises.api.views import EnterpriseViewSet
from zhifa.experts.api.views import ExpertGroupViewSet, ExpertViewSet
from zhifa.inspections.api.views import (
    EvidenceViewSet,
    ExtensionRequestViewSet,
    HazardViewSet,
    InspectionViewSet,
    RectificationOrderViewSet,
    ReInspectionViewSet,
)
from zhifa.orgs.api.views import CertificateViewSet, OfficerViewSet, RegionViewSet
from zhifa.planning.api.views import AnnualPlanViewSet, DrawViewSet, TaskViewSet
from zhifa.reviews.api.views import ReviewAssignmentViewSet, ReviewRoundViewSet
from zhifa.training.api.views import TrainingSessionViewSet


class APIRootView(routers.APIRootView):
    """执法一体化平台 API：各资源的入口。所有数据按管辖范围过滤。"""

    # The root lists links only; the role permissions apply to each resource behind it.
    permission_classes = [permissions.IsAuthenticated]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView


router = Router()
router.register("regions", RegionViewSet)
router.register("officers", OfficerViewSet)
router.register("certificates", CertificateViewSet)
router.register("expert-groups", ExpertGroupViewSet)
router.register("experts", ExpertViewSet)
router.register("enterprises", EnterpriseViewSet)
router.register("inspections", InspectionViewSet)
router.register("hazards", HazardViewSet)
router.register("rectifications", RectificationOrderViewSet)
router.register("extensions", ExtensionRequestViewSet)
router.register("reinspections", ReInspectionViewSet)
router.register("evidence", EvidenceViewSet)
router.register("documents", IssuedDocumentViewSet)
router.register("plans", AnnualPlanViewSet)
router.register("draws", DrawViewSet)
router.register("tasks", TaskViewSet)
router.register("catalogues", CatalogueViewSet)
router.register("violation-types", ViolationTypeViewSet)
router.register("accidents", AccidentViewSet)
router.register("trainings", TrainingSessionViewSet)
router.register("calendar-days", CalendarDayViewSet)
router.register("period-rules", PeriodRuleViewSet)
router.register("cases", CaseViewSet)
router.register("legal-reviews", LegalReviewViewSet)
router.register("case-deadlines", CaseDeadlineViewSet)
router.register("reviews/rounds", ReviewRoundViewSet, basename="reviewround")
router.register("reviews/assignments", ReviewAssignmentViewSet, basename="reviewassignment")
router.register("bulletins", BulletinViewSet)
# The public portal's JSON: anonymous and read-only (zhifa.disclosure.api.views).
router.register("public/bodies", PublicBodyViewSet, basename="public-body")
router.register("public/officers", PublicOfficerViewSet, basename="public-officer")
router.register("public/decisions", PublicDecisionViewSet, basename="public-decision")
router.register("public/draws", PublicDrawViewSet, basename="public-draw")

urlpatterns = router.urls
