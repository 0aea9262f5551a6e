import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.enterprises.choices import EnforcementClass, OperatingStatus, Scale, Sector, StandardizationGrade
from zhifa.enterprises.models import Enterprise
from zhifa.orgs.models import Region


class EnterpriseFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("搜索（名称、信用代码、法定代表人、地址、完整联系电话）")
    )
    board = django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))
    enforcement_class = django_filters.ChoiceFilter(choices=EnforcementClass.choices, label=_("执法类别"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("行业领域"))
    scale = django_filters.ChoiceFilter(choices=Scale.choices, label=_("规模"))
    standardization_grade = django_filters.ChoiceFilter(
        choices=StandardizationGrade.choices, label=_("标准化等级")
    )
    operating_status = django_filters.ChoiceFilter(choices=OperatingStatus.choices, label=_("经营状态"))
    industry_code = django_filters.CharFilter(
        field_name="industry__code", lookup_expr="startswith", label=_("行业代码（前缀）")
    )

    search_fields = (
        "name__icontains",
        "uscc__iexact",
        "legal_representative__icontains",
        "address__icontains",
    )
    hash_search_fields = ("contact_phone",)

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "board",
            "enforcement_class",
            "sector",
            "scale",
            "standardization_grade",
            "operating_status",
            "industry_code",
        ]
