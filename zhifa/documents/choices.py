from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUPERSEDED = "superseded", _("已被更正版本替代")


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达（受送达人签收）")
    LEFT = "left", _("留置送达（见证人在场）")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达（当事人书面同意）")
    PUBLIC_NOTICE = "public_notice", _("公告送达")
