import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet, yes_no_filter
from zhifa.experts.models import Expert, ExpertGroup


class ExpertGroupFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（名称、专项领域、行业代码）"))

    class Meta:
        model = ExpertGroup
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # JSON list of prefixes: a group covers the code when one of its prefixes starts the code.
        covering = [g.pk for g in ExpertGroup.objects.all() if value.isdigit() and g.covers(value)]
        return queryset.filter(Q(name__icontains=value) | Q(topics__icontains=value) | Q(pk__in=covering))


class ExpertFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("搜索（姓名、工作单位、信用代码、资格、完整电话）")
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups", queryset=ExpertGroup.objects.all(), label=_("专业组")
    )
    active = yes_no_filter(_("在库"))
    search_fields = (
        "name__icontains",
        "employer__icontains",
        "employer_uscc__iexact",
        "qualifications__icontains",
    )
    hash_search_fields = ("phone",)

    class Meta:
        model = Expert
        fields = ["q", "group", "active"]
