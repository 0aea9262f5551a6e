"""Experts in Excel: columns for import, export and the blank template.

The expert record carries no identity number, so an existing expert is recognised by 姓名 together
with 工作单位统一社会信用代码: importing a row with the same name and employer code updates that
expert. An expert who changed employer is therefore a new row (edit the employer in the system
first to keep one record). Groups are written as names, e.g. “化工医药、冶金有色”.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from zhifa.core.importing import Boolean, Column, ImportSpec, ListOf, Text
from zhifa.core.validators import normalize_uscc
from zhifa.experts.models import Expert, ExpertGroup

USCC_HELP = gettext_lazy("18 位，GB 32100-2015")


class ExpertSpec(ImportSpec):
    kind = "experts"
    name = "expert"
    model = Expert
    key_fields = ("name", "employer_uscc")
    import_permission = "experts.import_expert"
    export_permissions = ("experts.export_expert",)
    list_url_name = "experts:expert_list"
    filterset = "zhifa.experts.filtersets.ExpertFilterSet"
    search_fields = ("name__icontains", "employer__icontains", "employer_uscc__iexact")
    prefetch_related = ("groups",)
    key_help = gettext_lazy(
        "以“姓名”加“工作单位统一社会信用代码”识别已入库的专家：再次导入同一专家会更新其信息，不会重复新增。"
    )
    columns = (
        Column("姓名", "name", Text(), True),
        Column("工作单位", "employer", Text(), True),
        Column("工作单位统一社会信用代码", "employer_uscc", Text(normalize_uscc, help=USCC_HELP), True),
        Column("联系电话", "phone", Text(help=gettext_lazy("11 位手机号或带区号的固定电话"))),
        Column("职称", "title", Text()),
        Column("资格证书", "qualifications", Text(help=gettext_lazy("多项可在单元格内换行"))),
        Column(
            "专业组",
            "groups",
            ListOf(ExpertGroup, label=gettext_lazy("专业组"), example="化工医药、冶金有色"),
            m2m=True,
        ),
        Column("在库", "active", Boolean()),
        Column("备注", "note", Text()),
    )


EXPERTS = ExpertSpec()
