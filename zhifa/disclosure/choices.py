"""Named states of a publication on the public portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    PUBLISHED = "published", _("公示中")
    WITHDRAWN = "withdrawn", _("已撤回")


class CertificateState(models.TextChoices):
    """What the public is told about an officer's certificate (never the reason of a suspension)."""

    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    INVALID = "invalid", _("无效")
