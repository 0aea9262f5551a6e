"""What every list's filters share: one search box over declared fields, and 是/否 choices."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """A 是/否 select (django-filter's own labels are English); accepts true/false from the API too."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def yes_no_filter(label, **kwargs):
    return django_filters.BooleanFilter(label=label, widget=YesNoWidget(), **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text ``q`` matched against ``search_fields`` (OR-ed lookups).

    The box renders as ``<input type=search>`` (the list page searches as one types). Subclasses set
    ``search_fields`` and usually relabel ``q`` to say what is searched.
    """

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    search_fields: tuple[str, ...] = ()
    #: Encrypted fields (zhifa.core.fields) matched exactly through their keyed hash.
    hash_search_fields: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["q"].field.widget.input_type = "search"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{field: value})
        if self.hash_search_fields:
            from zhifa.core.fields import hash_lookup

            for field in self.hash_search_fields:
                condition |= Q(**hash_lookup(queryset.model, field, value))
        return queryset.filter(condition)
