"""Filters of the case API: cases by state, board, procedure and overdue periods; the review queue;
running deadlines due soon or overdue."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import CaseStatus, Procedure, ReviewOutcome
from zhifa.cases.models import Case, CaseDeadline, LegalReview
from zhifa.core.filtersets import yes_no_filter
from zhifa.core.formfields import RecordIdFilter
from zhifa.orgs.models import Region


def board_filter(field_name: str = "board"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Region.objects.all(), label=_("承办板块编号")
    )


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, label=_("状态"))
    board = board_filter()
    procedure = django_filters.ChoiceFilter(choices=Procedure.choices, label=_("程序"))
    overdue = yes_no_filter(_("有逾期期限"), method="filter_overdue")

    class Meta:
        model = Case
        fields = ["status", "board", "procedure", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Exists(CaseDeadline.objects.overdue().filter(case=OuterRef("pk")))
        return queryset.filter(late if value else ~late)


class LegalReviewFilterSet(django_filters.FilterSet):
    pending = yes_no_filter(_("待审核"), method="filter_pending")
    outcome = django_filters.ChoiceFilter(choices=ReviewOutcome.choices, label=_("审核意见"))
    board = board_filter("case__board")
    case = RecordIdFilter(field_name="case_id", label=_("案件编号"))

    class Meta:
        model = LegalReview
        fields = ["pending", "outcome", "board", "case"]

    def filter_pending(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(outcome="") if value else queryset.exclude(outcome="")


class CaseDeadlineFilterSet(django_filters.FilterSet):
    due_within = django_filters.NumberFilter(
        method="filter_due_within", min_value=0, max_value=3650, label=_("几日内届满（含今日）")
    )
    overdue = yes_no_filter(_("已逾期"), method="filter_overdue")
    board = board_filter("case__board")
    case = RecordIdFilter(field_name="case_id", label=_("案件编号"))
    rule_code = django_filters.CharFilter(label=_("期限规则"))

    class Meta:
        model = CaseDeadline
        fields = ["due_within", "overdue", "board", "case", "rule_code"]

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(due_on__gte=today, due_on__lte=today + timedelta(days=int(value)))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(due_on__lt=today) if value else queryset.filter(due_on__gte=today)
