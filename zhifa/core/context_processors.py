from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed)
NAV = [
    (_("首页"), "home", None),
    (_("企业"), "enterprises:enterprise_list", "enterprises.view_enterprise"),
    (_("现场检查"), "inspections:inspection_list", "inspections.view_inspection"),
    (_("隐患"), "inspections:hazard_list", "inspections.view_hazard"),
    (_("整改指令"), "inspections:order_list", "inspections.view_rectificationorder"),
    (_("检查任务"), "planning:task_list", "planning.view_task"),
    (_("年度计划"), "planning:plan_list", "planning.view_annualplan"),
    (_("随机抽取"), "planning:draw_list", "planning.view_draw"),
    (_("执法文书"), "documents:document_list", "documents.view_issueddocument"),
    (_("案件线索"), "inspections:casesource_list", "inspections.view_casesource"),
    (_("行政处罚案件"), "cases:case_list", "cases.view_case"),
    (_("办案期限"), "cases:deadline_list", "cases.view_casedeadline"),
    (_("法制审核"), "cases:review_queue", "cases.legal_review_case"),
    (_("办案程序参数"), "cases:rules_list", "cases.change_procedurerules"),
    (_("案卷评审"), "reviews:round_list", "reviews.view_reviewround"),
    (_("我的评查案卷"), "reviews:assignment_list", "reviews.score_reviewassignment"),
    (_("执法公示"), "publications:queue", "disclosure.view_publication"),
    (_("裁量基准"), "discretion:catalogue_list", "discretion.view_catalogue"),
    (_("生产安全事故"), "accidents:accident_list", "accidents.view_accident"),
    (_("双下降"), "accidents:double_decline", "accidents.view_accident"),
    (_("执法通报"), "bulletins:bulletin_list", "bulletins.view_bulletin"),
    (_("执法态势"), "bulletins:dashboard", "bulletins.view_figures"),
    (_("执法培训"), "training:session_list", "training.view_trainingsession"),
    (_("培训学时"), "training:hours", "training.view_attendance"),
    (_("执法人员"), "orgs:officer_list", "orgs.view_officer"),
    (_("执法证"), "orgs:certificate_list", "orgs.view_certificate"),
    (_("装备"), "orgs:equipment_list", "orgs.view_equipment"),
    (_("派驻与挂钩"), "orgs:assignment_list", "orgs.view_secondment"),
    (_("人员配备"), "orgs:staffing", "orgs.view_staffing"),
    (_("专家"), "experts:expert_list", "experts.view_expert"),
    (_("板块"), "orgs:region_list", "orgs.view_region"),
    (_("检查表"), "inspections:checklist_list", "inspections.change_checklisttemplate"),
    (_("工作日历与期限"), "calendar:overview", "core.view_calendarday"),
    (_("审计日志"), "core:audit_list", "core.view_auditentry"),
    # The security administrator's pages (zhifa.accounts): sessions, lockouts, everyone's API tokens.
    (_("在线会话"), "session_list", "accounts.view_usersession"),
    (_("登录锁定"), "lockout_list", "accounts.view_usersession"),
    (_("全部 API 令牌"), "token_admin_list", "accounts.revoke_apitoken"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm in NAV:
        if perm is None or user.has_perm(perm):
            try:
                items.append({"label": label, "url": reverse(name), "name": name})
            except Exception:  # an app's URLs not mounted (e.g. during partial set-up)
                continue
    return {"nav_items": items}
