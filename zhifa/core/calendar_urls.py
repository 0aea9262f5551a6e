from django.urls import path

from zhifa.core import calendar_views as views

urlpatterns = [
    path("", views.CalendarOverviewView.as_view(), name="overview"),
    path("days/", views.CalendarDayListView.as_view(), name="day_list"),
    path("days/add/", views.CalendarDayEditView.as_view(), name="day_add"),
    path("days/<int:pk>/edit/", views.CalendarDayEditView.as_view(), name="day_edit"),
    path("days/<int:pk>/delete/", views.CalendarDayDeleteView.as_view(), name="day_delete"),
    path("import/", views.CalendarImportView.as_view(), name="import"),
    # Period rules are never deleted: a rule is switched off or superseded by a newer version.
    path("rules/", views.PeriodRuleListView.as_view(), name="rule_list"),
    path("rules/add/", views.PeriodRuleEditView.as_view(), name="rule_add"),
    path("rules/<int:pk>/edit/", views.PeriodRuleEditView.as_view(), name="rule_edit"),
]
