from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.documents.filtersets import DocumentFilterSet


class IssuedDocumentFilterSet(DocumentFilterSet):
    """The document list page's filters (so one query string filters alike in both), plus ``number``."""

    number = django_filters.CharFilter(lookup_expr="icontains", label=_("文号（包含）"))

    class Meta(DocumentFilterSet.Meta):
        fields = [*DocumentFilterSet.Meta.fields, "number"]
