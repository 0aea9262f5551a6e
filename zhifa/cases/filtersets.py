"""Filters of the case lists. The home page's 办案期限 panel links here with the same parameters."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import CaseStatus, Procedure, SourceKind
from zhifa.cases.models import Case, CaseDeadline, LegalReview
from zhifa.core.filtersets import SearchFilterSet, yes_no_filter
from zhifa.orgs.models import Region

#: The default look-ahead of the deadlines board (days).
DEFAULT_DAYS = 7


def _board_filter(field_name: str = "board"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Region.objects.all(), label=_("承办板块")
    )


#: Date-range parameters of the case list; any of them lifts the list's default of open cases.
DATE_KEYS = ("registered_from", "registered_to", "decided_from", "decided_to")


def _date_filter(field: str, lookup: str, label):
    return django_filters.DateFilter(
        field_name=field, lookup_expr=lookup, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


def _with_default(data, key: str, value: str, unless: tuple[str, ...] = ()):
    """The lists open on the work queue: a default filter value unless the user chose otherwise."""
    if data is None or key in data or any(k in data for k in unless):
        return data
    data = data.copy()
    data[key] = value
    return data


def overdue_deadlines(today=None):
    today = today or timezone.localdate()
    return CaseDeadline.objects.running().filter(case=OuterRef("pk"), due_on__lt=today)


class CaseFilterSet(SearchFilterSet):
    search_fields = (
        "party_name__icontains",
        "registration_number__icontains",
        "decision_number__icontains",
        "cause__icontains",
    )
    # The party's ID number or credit code and phone, exactly, through their keyed hashes.
    hash_search_fields = ("party_code", "party_phone")
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("状态"))
    open = yes_no_filter(_("未结案件"), method="filter_open")
    procedure = django_filters.ChoiceFilter(choices=Procedure.choices, label=_("程序"))
    board = _board_filter()
    source_kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("案件来源"))
    overdue = yes_no_filter(_("有逾期期限"), method="filter_overdue")
    # The bulletin's case figures (registered, decided in a month) link here with these.
    registered_from = _date_filter("registered_on", "gte", _("立案日期自"))
    registered_to = _date_filter("registered_on", "lte", _("立案日期至"))
    decided_from = _date_filter("decided_on", "gte", _("决定日期自"))
    decided_to = _date_filter("decided_on", "lte", _("决定日期至"))

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "open",
            "procedure",
            "board",
            "source_kind",
            "overdue",
            "registered_from",
            "registered_to",
            "decided_from",
            "decided_to",
        ]

    def __init__(self, data=None, *args, **kwargs):
        # The work queue: without a chosen status (or a date range, which asks for closed cases too),
        # the open cases.
        super().__init__(_with_default(data, "open", "true", unless=("status", *DATE_KEYS)), *args, **kwargs)
        self.filters["q"].label = _("当事人、立案编号、决定书文号或案由")

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        opened = queryset.open()
        return opened if value else queryset.exclude(pk__in=opened.values("pk"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Exists(overdue_deadlines())
        return queryset.filter(late) if value else queryset.filter(~late)


class DeadlineFilterSet(SearchFilterSet):
    """Running deadlines due within ``days`` (default 7) or already overdue."""

    search_fields = ("case__party_name__icontains", "case__registration_number__icontains")
    days = django_filters.NumberFilter(label=_("届满天数以内"), method="filter_days", min_value=0)
    overdue = yes_no_filter(_("仅逾期"), method="filter_overdue")
    board = _board_filter("case__board")
    mine = yes_no_filter(_("我承办的"), method="filter_mine")

    class Meta:
        model = CaseDeadline
        fields = ["q", "days", "overdue", "board", "mine"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(_with_default(data, "days", str(DEFAULT_DAYS), unless=("overdue",)), *args, **kwargs)
        self.filters["q"].label = _("当事人或立案编号")

    def filter_days(self, queryset, name, value):
        if value is None:
            return queryset
        horizon = timezone.localdate() + timedelta(days=int(value))
        return queryset.filter(due_on__lte=horizon)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(due_on__lt=today) if value else queryset.filter(due_on__gte=today)

    def filter_mine(self, queryset, name, value):
        officer_id = getattr(getattr(self.request, "user", None), "officer_id", None)
        if not value:
            return queryset
        if not officer_id:
            return queryset.none()
        return queryset.filter(case__case_officers__officer_id=officer_id).distinct()


class ReviewFilterSet(SearchFilterSet):
    search_fields = ("case__party_name__icontains", "case__registration_number__icontains")
    board = _board_filter("case__board")
    pending = yes_no_filter(_("待审核"), method="filter_pending")
    overdue = yes_no_filter(_("逾期"), method="filter_overdue")

    class Meta:
        model = LegalReview
        fields = ["q", "board", "pending", "overdue"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue: without a choice, what awaits review.
        super().__init__(_with_default(data, "pending", "true"), *args, **kwargs)
        self.filters["q"].label = _("当事人或立案编号")

    def filter_pending(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.pending() if value else queryset.exclude(outcome="")

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(outcome="", due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
