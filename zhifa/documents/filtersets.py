import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import FormKind, IssuedDocument
from zhifa.orgs.models import Region


class DocumentFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（文号、标题）"))
    kind = django_filters.ModelChoiceFilter(queryset=FormKind.objects.all(), label=_("文书种类"))
    board = django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("承办板块"))
    year = django_filters.NumberFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("状态"))

    search_fields = ("number__icontains", "title__icontains")

    class Meta:
        model = IssuedDocument
        fields = ["q", "kind", "board", "year", "status"]
