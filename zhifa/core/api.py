"""Base viewsets of the API: jurisdiction applied to every query, no deletion of records."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rest_framework import viewsets

from zhifa.core.api_policy import ACTION_FOR_METHOD

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def schema_tags(*names: StrOrPromise) -> list[str]:
    """``extend_schema(tags=...)`` from (lazily translated) names, kept lazy.

    drf-spectacular resolves lazy strings when it builds the schema (``normalize_result_object``)
    but annotates ``tags`` as ``Sequence[str]``; the cast says so here rather than at every endpoint.
    """
    return cast(list[str], list(names))


class ScopedViewSetMixin:
    """Applies ``restrict(user, action)`` so that objects outside the user's jurisdiction answer 404."""

    def get_queryset(self):
        queryset = super().get_queryset()
        action = ACTION_FOR_METHOD.get(self.request.method, "change")
        return self.optimize(queryset.restrict(self.request.user, action))

    def optimize(self, queryset):
        """Hook for select_related/prefetch_related so list endpoints run a constant number of queries."""
        return queryset


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # records are never deleted


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
