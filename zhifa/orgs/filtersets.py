import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet, yes_no_filter
from zhifa.orgs.choices import (
    CertificateLevel,
    CertificateStatus,
    Employment,
    EquipmentKind,
    EquipmentStatus,
    Post,
    RegionKind,
)
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment

#: Certificates "expiring soon" on the list and the staffing page: valid today, ending within this many days.
EXPIRING_DAYS = 60


class RegionFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（名称、区划代码）"))
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=_("类型"))
    search_fields = ("name__icontains", "code__startswith")

    class Meta:
        model = Region
        fields = ["q", "kind"]


class OfficerFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（姓名、完整身份证号码或电话）"))
    unit = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在单位"))
    post = django_filters.ChoiceFilter(choices=Post.choices, label=_("岗位"))
    employment = django_filters.ChoiceFilter(choices=Employment.choices, label=_("用工性质"))
    certified = yes_no_filter(_("今日持有效执法证"), method="filter_certified")
    active = yes_no_filter(_("在岗"))
    search_fields = ("name__icontains",)
    hash_search_fields = ("id_number", "phone")

    class Meta:
        model = Officer
        fields = ["q", "unit", "post", "employment", "certified", "active"]

    def filter_certified(self, queryset, name, value):
        """Independent of the list's ``certified`` annotation: the Excel export filters with it too."""
        if value is None:
            return queryset
        valid = Exists(Certificate.objects.valid_on(timezone.localdate()).filter(officer=OuterRef("pk")))
        return queryset.filter(valid) if value else queryset.exclude(valid)


class CertificateFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（持证人、证件编号）"))
    unit = django_filters.ModelChoiceFilter(
        field_name="officer__unit", queryset=Region.objects.all(), label=_("所在单位")
    )
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, label=_("状态"))
    level = django_filters.ChoiceFilter(choices=CertificateLevel.choices, label=_("发证层级"))
    expiring = yes_no_filter(_("60 日内到期"), method="filter_expiring")
    search_fields = ("officer__name__icontains", "number__icontains")

    class Meta:
        model = Certificate
        fields = ["q", "unit", "status", "level", "expiring"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        soon = Certificate.objects.expiring_within(EXPIRING_DAYS, timezone.localdate())
        if value:
            return queryset.filter(pk__in=soon.values("pk"))
        return queryset.exclude(pk__in=soon.values("pk"))


class EquipmentFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（编号、车牌、型号、使用人）"))
    kind = django_filters.ChoiceFilter(choices=EquipmentKind.choices, label=_("类别"))
    status = django_filters.ChoiceFilter(choices=EquipmentStatus.choices, label=_("状态"))
    unit = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("配发单位"))
    search_fields = (
        "serial_number__icontains",
        "plate_number__icontains",
        "model_name__icontains",
        "officer__name__icontains",
    )

    class Meta:
        model = Equipment
        fields = ["q", "kind", "status", "unit"]


class AssignmentFilterSet(SearchFilterSet):
    """Shared by 派驻 and 挂钩: both tables of the assignment page read the same GET parameters."""

    q = django_filters.CharFilter(method="search", label=_("搜索（人员姓名）"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))
    current = yes_no_filter(_("今日有效"), method="filter_current")
    search_fields = ("officer__name__icontains",)

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = queryset.model.objects.active_on(timezone.localdate())
        if value:
            return queryset.filter(pk__in=current.values("pk"))
        return queryset.exclude(pk__in=current.values("pk"))


class SecondmentFilterSet(AssignmentFilterSet):
    class Meta:
        model = Secondment
        fields = ["q", "region", "current"]


class PairingFilterSet(AssignmentFilterSet):
    class Meta:
        model = Pairing
        fields = ["q", "region", "current"]
