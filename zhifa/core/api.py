"""Base viewsets of the API: jurisdiction applied to every query, no deletion of records."""

from __future__ import annotations

from rest_framework import viewsets

from zhifa.core.api_policy import ACTION_FOR_METHOD


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
