from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingKind(models.TextChoices):
    """The forms of training of the district's enforcement model (REFERENCE §1)."""

    CENTRALIZED = "centralized", _("集中培训")
    ROTATING = "rotating", _("轮流授课")
    CROSS = "cross", _("交叉执法")
    DRILL = "drill", _("岗位练兵")
    CASE_REVIEW = "case_review", _("案卷评比")


#: Kinds that need a lecturer: in 轮流授课 the officers teach each other in turn.
LECTURER_REQUIRED = frozenset({TrainingKind.ROTATING})
