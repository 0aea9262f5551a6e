"""The enterprise registry in Excel: columns for import, export and the blank template.

An existing enterprise is recognised by its 统一社会信用代码 (unique in the registry): importing a
row whose code is already registered updates that enterprise instead of adding a second one. Rows
are saved through ``services.save_enterprise``, so every imported enterprise is classified by the
rule in force (unless its class was set by hand) and its classification history is kept.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.importing import CellError, Choice, Column, ImportSpec, RegionRef, Text, as_text
from zhifa.core.validators import normalize_uscc
from zhifa.enterprises.choices import MajorHazardLevel, OperatingStatus, Scale, Sector, StandardizationGrade
from zhifa.enterprises.models import Enterprise, Industry
from zhifa.enterprises.services import Classifier, save_enterprise


class IndustryCode:
    """国民经济行业 by its GB/T 4754-2017 code (2–4 digits, e.g. 2614); keep the cell as text."""

    help = gettext_lazy(
        "GB/T 4754-2017 行业代码（大类 2 位至小类 4 位），如 2614；请设为文本格式以保留开头的 0"
    )

    def __call__(self, value, ctx):
        if "industries" not in ctx.cache:
            ctx.cache["industries"] = {i.code: i for i in Industry.objects.only("code", "level", "name")}
        code = as_text(value).upper()
        industry = ctx.cache["industries"].get(code)
        if industry is None:
            raise CellError(_("国民经济行业代码 %(code)s 不存在（GB/T 4754-2017）") % {"code": code})
        return industry

    def export(self, industry):
        return industry.code if industry is not None else None


USCC_HELP = gettext_lazy("18 位，GB 32100-2015")


class EnterpriseSpec(ImportSpec):
    kind = "enterprises"
    name = "enterprise"
    model = Enterprise
    key_fields = ("uscc",)
    board_field = "board"
    import_permission = "enterprises.import_enterprise"
    export_permissions = ("enterprises.export_enterprise",)
    list_url_name = "enterprises:enterprise_list"
    filterset = "zhifa.enterprises.filtersets.EnterpriseFilterSet"
    select_related = ("board", "industry")
    clean_exclude = ("version",)
    key_help = gettext_lazy(
        "以“统一社会信用代码”识别已登记的企业：再次导入同一企业会更新其信息，不会重复新增。"
    )
    columns = (
        Column("统一社会信用代码", "uscc", Text(normalize_uscc, help=USCC_HELP), True),
        Column("企业名称", "name", Text(), True),
        Column("法定代表人", "legal_representative", Text(), True),
        Column("地址", "address", Text(), True),
        Column("所属板块", "board", RegionRef(boards_only=True), True),
        Column("国民经济行业代码", "industry", IndustryCode(), True),
        Column("行业领域", "sector", Choice(Sector), True),
        Column("规模", "scale", Choice(Scale), True),
        Column("重大危险源等级", "major_hazard_level", Choice(MajorHazardLevel)),
        Column("安全生产标准化等级", "standardization_grade", Choice(StandardizationGrade)),
        Column("经营状态", "operating_status", Choice(OperatingStatus)),
        Column("安全联系人", "contact_name", Text()),
        Column("联系电话", "contact_phone", Text(help=gettext_lazy("11 位手机号或带区号的固定电话"))),
    )

    def prepare(self, ctx):
        ctx.cache["classifier"] = Classifier()

    def save(self, obj, values, ctx):
        save_enterprise(
            obj,
            user=ctx.user,
            classifier=ctx.cache["classifier"],
            expected_version=obj.version if obj.pk else None,
        )


ENTERPRISES = EnterpriseSpec()
