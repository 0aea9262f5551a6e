from django.urls import path

from zhifa.planning import views
from zhifa.planning.choices import PlanStatus

# No delete routes: a plan is revised as a new version, a draw superseded, a task cancelled.
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("add/", views.PlanAddView.as_view(), name="plan_add"),
    path("quotas/", views.QuotaView.as_view(), name="quotas"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/submit/", views.PlanMoveView.as_view(to_status=PlanStatus.SUBMITTED), name="plan_submit"),
    path("<int:pk>/approve/", views.PlanMoveView.as_view(to_status=PlanStatus.APPROVED), name="plan_approve"),
    path("<int:pk>/return/", views.PlanMoveView.as_view(to_status=PlanStatus.DRAFT), name="plan_return"),
    path("<int:pk>/revise/", views.PlanReviseView.as_view(), name="plan_revise"),
    path("draws/", views.DrawListView.as_view(), name="draw_list"),
    path("draws/add/", views.DrawAddView.as_view(), name="draw_add"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/verify/", views.DrawVerifyView.as_view(), name="draw_verify"),
    path("draws/<int:pk>/pools.json", views.DrawPoolsView.as_view(), name="draw_pools"),
    path("draws/<int:pk>/redraw/", views.DrawRedrawView.as_view(), name="draw_redraw"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/mine/", views.MyTaskListView.as_view(), name="task_mine"),
    path("tasks/add/", views.TaskAddView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/start/", views.TaskStartView.as_view(), name="task_start"),
    path("tasks/<int:pk>/swap/", views.TaskSwapView.as_view(), name="task_swap"),
    path("tasks/<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task_cancel"),
]
