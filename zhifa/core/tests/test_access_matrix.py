"""The access matrix: every page and endpoint × anonymous / no permission / own board / other board.

Generated from ROUTES below crossed with the personas; a guard test fails when a route exists that
the table does not cover, so no new view escapes the matrix. For each route:
- anonymous: pages redirect to the login page, the API answers 401;
- a persona whose role lacks the route's permission: 403;
- a persona of board A (湖塘镇) with the permission, or a district persona where only district roles
  have it: 200 (or the route's success status);
- public routes (the portal at /public/ and /api/v1/public/, ``public=True``): anonymous and signed-in
  visitors alike get 200, and there is no permission to lack;
- for board-scoped records, the same role in board B (牛塘镇): 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise, make_officer, make_user
from zhifa.orgs.choices import EquipmentKind, Post

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class R:
    perm: str
    obj: str | None = None  # key into the objects fixture; None for routes without a pk
    scoped: bool = False  # the object belongs to board A: board B users get 404
    api: bool = False
    method: str = "get"
    ok: int = 200
    public: bool = False  # open to everyone, signed in or not (perm is "")
    extra: tuple[tuple[str, str], ...] = ()  # further URL kwargs besides pk


ROUTES: dict[str, R] = {
    # Enterprises
    "enterprises:enterprise_list": R("enterprises.view_enterprise"),
    "enterprises:enterprise_add": R("enterprises.add_enterprise"),
    "enterprises:enterprise_detail": R("enterprises.view_enterprise", "enterprise", scoped=True),
    "enterprises:enterprise_edit": R("enterprises.change_enterprise", "enterprise", scoped=True),
    "enterprises:enterprise_unmask": R(
        "enterprises.view_personal_data",
        "enterprise",
        scoped=True,
        method="post",
        extra=(("field", "contact_phone"),),
    ),
    "enterprises:enterprise_override": R(
        "enterprises.override_class", "enterprise", scoped=True, method="post", ok=302
    ),
    # Organisation
    "orgs:region_list": R("orgs.view_region"),
    "orgs:region_detail": R("orgs.view_region", "region"),
    "orgs:region_edit": R("orgs.change_region", "region"),
    "orgs:officer_list": R("orgs.view_officer"),
    "orgs:officer_add": R("orgs.add_officer"),
    "orgs:officer_detail": R("orgs.view_officer", "officer", scoped=True),
    "orgs:officer_edit": R("orgs.change_officer", "officer", scoped=True),
    "orgs:officer_unmask": R(
        "orgs.view_personal_data", "officer", scoped=True, method="post", extra=(("field", "id_number"),)
    ),
    "orgs:certificate_list": R("orgs.view_certificate"),
    "orgs:certificate_add": R("orgs.add_certificate"),
    "orgs:certificate_edit": R("orgs.change_certificate", "certificate", scoped=True),
    "orgs:equipment_list": R("orgs.view_equipment"),
    "orgs:equipment_add": R("orgs.add_equipment"),
    "orgs:equipment_detail": R("orgs.view_equipment", "equipment", scoped=True),
    "orgs:equipment_edit": R("orgs.change_equipment", "equipment", scoped=True),
    "orgs:assignment_list": R("orgs.view_secondment"),
    "orgs:secondment_add": R("orgs.add_secondment"),
    "orgs:secondment_edit": R("orgs.change_secondment", "secondment", scoped=True),
    "orgs:pairing_add": R("orgs.add_pairing"),
    "orgs:pairing_edit": R("orgs.change_pairing", "pairing", scoped=True),
    "orgs:staffing": R("orgs.view_staffing"),
    "orgs:staffing_board": R("orgs.view_staffing", "region", scoped=True),
    # Experts
    "experts:expert_list": R("experts.view_expert"),
    "experts:expert_add": R("experts.add_expert"),
    "experts:expert_detail": R("experts.view_expert", "expert"),
    "experts:expert_edit": R("experts.change_expert", "expert"),
    "experts:expert_unmask": R(
        "experts.view_personal_data", "expert", method="post", extra=(("field", "phone"),)
    ),
    "experts:group_list": R("experts.view_expertgroup"),
    "experts:group_detail": R("experts.view_expertgroup", "group"),
    # Excel in and out
    "io:enterprise_import": R("enterprises.import_enterprise"),
    "io:enterprise_export": R("enterprises.export_enterprise"),
    "io:enterprise_template": R("enterprises.import_enterprise"),
    "io:officer_import": R("orgs.import_officer"),
    "io:officer_export": R("orgs.export_officer"),
    "io:officer_template": R("orgs.import_officer"),
    "io:expert_import": R("experts.import_expert"),
    "io:expert_export": R("experts.export_expert"),
    "io:expert_template": R("experts.import_expert"),
    # The security administrator: everyone's API tokens; resetting a user's second factor asks for
    # re-authentication first (302 to the re-authentication page, before the account is looked up)
    "token_admin_list": R("accounts.revoke_apitoken"),
    "otp_reset": R("accounts.reset_otp", ok=302, extra=(("pk", "1"),)),
    # ...and the signed-in sessions and login lockouts; ending or unlocking without a reason is refused (400)
    "session_list": R("accounts.view_usersession"),
    "session_end": R("accounts.end_usersession", "usersession", method="post", ok=400),
    "session_end_account": R("accounts.end_usersession", "account", method="post", ok=400),
    "lockout_list": R("accounts.view_usersession"),
    "lockout_unlock": R("accounts.end_usersession", method="post", ok=400),
    # The audit log
    "core:audit_list": R("core.view_auditentry"),
    "core:audit_export": R("core.export_auditentry"),
    "core:audit_archive_list": R("core.view_auditentry"),
    "core:audit_detail": R("core.view_auditentry", "audit"),
    # The public portal (行政执法公示) and its JSON: anonymous and read-only
    "disclosure:index": R("", public=True),
    "disclosure:body_list": R("", public=True),
    "disclosure:officer_list": R("", public=True),
    "disclosure:decision_list": R("", public=True),
    "disclosure:decision_detail": R("", "publication", public=True),
    "disclosure:draw_list": R("", public=True),
    "disclosure:draw_detail": R("", "draw", public=True),
    "public-body-list": R("", api=True, public=True),
    "public-officer-list": R("", api=True, public=True),
    "public-decision-list": R("", api=True, public=True),
    "public-decision-detail": R("", "publication", api=True, public=True),
    "public-draw-list": R("", api=True, public=True),
    "public-draw-detail": R("", "draw", api=True, public=True),
    # The publication queue (signed in); the matrix's decision is published already: publishing it again
    # is refused with a message and sent back to the queue
    "publications:queue": R("disclosure.view_publication"),
    "publications:publish": R(
        "disclosure.add_publication", "published_case", scoped=True, method="post", ok=302
    ),
    # API
    "region-list": R("orgs.view_region", api=True),
    "region-detail": R("orgs.view_region", "region", api=True),
    "officer-list": R("orgs.view_officer", api=True),
    "officer-detail": R("orgs.view_officer", "officer", scoped=True, api=True),
    "certificate-list": R("orgs.view_certificate", api=True),
    "certificate-detail": R("orgs.view_certificate", "certificate", scoped=True, api=True),
    "expertgroup-list": R("experts.view_expertgroup", api=True),
    "expertgroup-detail": R("experts.view_expertgroup", "group", api=True),
    "expert-list": R("experts.view_expert", api=True),
    "expert-detail": R("experts.view_expert", "expert", api=True),
    "enterprise-list": R("enterprises.view_enterprise", api=True),
    "enterprise-detail": R("enterprises.view_enterprise", "enterprise", scoped=True, api=True),
    "enterprise-override-class": R(
        "enterprises.override_class", "enterprise", scoped=True, api=True, method="post", ok=400
    ),
    # API: inspections, hazards, rectification, re-inspection, evidence, issued documents
    "inspection-list": R("inspections.view_inspection", api=True),
    "inspection-detail": R("inspections.view_inspection", "inspection", scoped=True, api=True),
    "inspection-results": R(
        "inspections.change_inspection", "inspection", scoped=True, api=True, method="post", ok=400
    ),
    "inspection-sign-off": R(
        "inspections.sign_off_inspection", "inspection", scoped=True, api=True, method="post", ok=400
    ),
    "hazard-list": R("inspections.view_hazard", api=True),
    "hazard-detail": R("inspections.view_hazard", "hazard", scoped=True, api=True),
    "hazard-transition": R(
        "inspections.change_hazard", "hazard", scoped=True, api=True, method="post", ok=400
    ),
    "hazard-refer-to-case": R(
        "inspections.add_casesource", "hazard", scoped=True, api=True, method="post", ok=400
    ),
    "rectificationorder-list": R("inspections.view_rectificationorder", api=True),
    "rectificationorder-detail": R("inspections.view_rectificationorder", "order", scoped=True, api=True),
    "rectificationorder-extensions": R(
        "inspections.add_extensionrequest", "order", scoped=True, api=True, method="post", ok=400
    ),
    "rectificationorder-reinspections": R(
        "inspections.add_reinspection", "order", scoped=True, api=True, method="post", ok=201
    ),
    "extensionrequest-list": R("inspections.view_extensionrequest", api=True),
    "extensionrequest-detail": R("inspections.view_extensionrequest", "extension", scoped=True, api=True),
    "extensionrequest-decide": R(
        "inspections.decide_extensionrequest", "extension", scoped=True, api=True, method="post", ok=400
    ),
    "reinspection-list": R("inspections.view_reinspection", api=True),
    "reinspection-detail": R("inspections.view_reinspection", "reinspection", scoped=True, api=True),
    "reinspection-sign-off": R(
        "inspections.change_reinspection", "reinspection", scoped=True, api=True, method="post", ok=400
    ),
    "evidence-list": R("inspections.view_evidence", api=True),
    "evidence-detail": R("inspections.view_evidence", "evidence", scoped=True, api=True),
    "evidence-download": R("inspections.view_evidence", "evidence", scoped=True, api=True),
    "evidence-thumbnail": R("inspections.view_evidence", "evidence", scoped=True, api=True),
    "issueddocument-list": R("documents.view_issueddocument", api=True),
    "issueddocument-detail": R("documents.view_issueddocument", "document", scoped=True, api=True),
    "issueddocument-pdf": R("documents.view_issueddocument", "document", scoped=True, api=True),
    "issueddocument-docx": R("documents.view_issueddocument", "document", scoped=True, api=True),
    # Issued documents
    "documents:document_list": R("documents.view_issueddocument"),
    "documents:document_batch": R("documents.view_issueddocument"),
    "documents:document_detail": R("documents.view_issueddocument", "document", scoped=True),
    "documents:document_pdf": R("documents.view_issueddocument", "document", scoped=True),
    "documents:document_docx": R("documents.view_issueddocument", "document", scoped=True),
    "documents:document_correct": R("documents.correct_issueddocument", "document", scoped=True),
    "documents:document_service": R("documents.add_servicerecord", "document", scoped=True),
    # Pages: inspections, hazards, rectification, re-inspection, evidence, checklists
    "inspections:inspection_list": R("inspections.view_inspection"),
    "inspections:inspection_start": R("inspections.add_inspection"),
    "inspections:inspection_detail": R("inspections.view_inspection", "inspection", scoped=True),
    "inspections:inspection_unmask": R(
        "inspections.view_personal_data",
        "inspection",
        scoped=True,
        method="post",
        extra=(("field", "onsite_person_phone"),),
    ),
    "inspections:inspection_edit": R("inspections.change_inspection", "inspection", scoped=True),
    "inspections:inspection_item": R(
        "inspections.change_inspection", "inspection", scoped=True, method="post", ok=400
    ),
    "inspections:inspection_sign_off": R(
        "inspections.sign_off_inspection", "inspection", scoped=True, method="post"
    ),
    "inspections:inspection_refer": R(
        "inspections.add_casesource", "inspection", scoped=True, method="post", ok=302
    ),
    "inspections:inspection_evidence": R(
        "inspections.add_evidence", "inspection", scoped=True, method="post", ok=302
    ),
    # the matrix's inspection is a draft: the order page sends the officer back to finish it
    "inspections:order_issue": R("inspections.add_rectificationorder", "inspection", scoped=True, ok=302),
    "inspections:hazard_list": R("inspections.view_hazard"),
    "inspections:hazard_detail": R("inspections.view_hazard", "hazard", scoped=True),
    "inspections:hazard_move": R("inspections.change_hazard", "hazard", scoped=True, method="post", ok=302),
    "inspections:hazard_refer": R("inspections.add_casesource", "hazard", scoped=True, method="post", ok=302),
    "inspections:hazard_evidence": R(
        "inspections.add_evidence", "hazard", scoped=True, method="post", ok=302
    ),
    "inspections:casesource_list": R("inspections.view_casesource"),
    "inspections:order_list": R("inspections.view_rectificationorder"),
    "inspections:order_detail": R("inspections.view_rectificationorder", "order", scoped=True),
    "inspections:extension_add": R("inspections.add_extensionrequest", "order", scoped=True),
    "inspections:reinspection_start": R("inspections.add_reinspection", "order", scoped=True),
    "inspections:extension_list": R("inspections.view_extensionrequest"),
    "inspections:extension_detail": R("inspections.view_extensionrequest", "extension", scoped=True),
    "inspections:extension_decide": R(
        "inspections.decide_extensionrequest", "extension", scoped=True, method="post", ok=302
    ),
    "inspections:reinspection_detail": R("inspections.view_reinspection", "reinspection", scoped=True),
    "inspections:reinspection_edit": R("inspections.change_reinspection", "reinspection", scoped=True),
    "inspections:reinspection_sign_off": R(
        "inspections.change_reinspection", "reinspection", scoped=True, method="post"
    ),
    "inspections:reinspection_evidence": R(
        "inspections.add_evidence", "reinspection", scoped=True, method="post", ok=302
    ),
    "inspections:evidence_thumbnail": R("inspections.view_evidence", "evidence", scoped=True),
    "inspections:evidence_download": R("inspections.view_evidence", "evidence", scoped=True),
    "inspections:checklist_list": R("inspections.view_checklisttemplate"),
    "inspections:checklist_add": R("inspections.add_checklisttemplate"),
    "inspections:checklist_detail": R("inspections.view_checklisttemplate", "checklist"),
    # the matrix's checklist is published, hence read-only: the edit page sends back to it
    "inspections:checklist_edit": R("inspections.change_checklisttemplate", "checklist", ok=302),
    "inspections:checklist_new_version": R(
        "inspections.change_checklisttemplate", "checklist", method="post", ok=302
    ),
    "inspections:checklist_publish": R(
        "inspections.change_checklisttemplate", "checklist", method="post", ok=302
    ),
    # Planning: the annual plan, quotas, draws and tasks
    "planning:plan_list": R("planning.view_annualplan"),
    "planning:plan_add": R("planning.add_annualplan", method="post", ok=302),
    "planning:quotas": R("planning.view_annualplan"),
    "planning:plan_detail": R("planning.view_annualplan", "plan"),
    "planning:plan_submit": R("planning.submit_annualplan", "plan", method="post", ok=302),
    "planning:plan_approve": R("planning.approve_annualplan", "plan", method="post", ok=302),
    "planning:plan_return": R("planning.approve_annualplan", "plan", method="post", ok=302),
    "planning:plan_revise": R("planning.add_annualplan", "plan", method="post", ok=302),
    "planning:draw_list": R("planning.view_draw"),
    "planning:draw_add": R("planning.add_draw"),
    "planning:draw_detail": R("planning.view_draw", "draw"),
    "planning:draw_verify": R("planning.view_draw", "draw", method="post"),
    "planning:draw_pools": R("planning.view_draw", "draw"),
    "planning:draw_redraw": R("planning.add_draw", "draw"),
    "planning:task_list": R("planning.view_task"),
    "planning:task_mine": R("planning.view_task"),
    "planning:task_add": R("planning.add_task"),
    "planning:task_detail": R("planning.view_task", "task", scoped=True),
    "planning:task_start": R("inspections.add_inspection", "task", scoped=True, method="post", ok=302),
    "planning:task_swap": R("planning.swap_task", "task", scoped=True),
    "planning:task_cancel": R("planning.cancel_task", "task", scoped=True, method="post", ok=302),
    # API: plans, draws and tasks
    "annualplan-list": R("planning.view_annualplan", api=True),
    "annualplan-detail": R("planning.view_annualplan", "plan", api=True),
    "draw-list": R("planning.view_draw", api=True),
    "draw-detail": R("planning.view_draw", "draw", api=True),
    "draw-verify": R("planning.view_draw", "draw", api=True, method="post"),
    "draw-redraw": R("planning.add_draw", "draw", api=True, method="post", ok=400),
    "task-list": R("planning.view_task", api=True),
    "task-detail": R("planning.view_task", "task", scoped=True, api=True),
    "task-start-inspection": R(
        "inspections.add_inspection", "task", scoped=True, api=True, method="post", ok=201
    ),
    "task-swap": R("planning.swap_task", "task", scoped=True, api=True, method="post", ok=400),
    "task-cancel": R("planning.cancel_task", "task", scoped=True, api=True, method="post", ok=400),
    # Discretion benchmarks: versions, entries, 试算, the system administrator's drafts
    "discretion:catalogue_list": R("discretion.view_catalogue"),
    "discretion:catalogue_add": R("discretion.add_catalogue"),
    "discretion:catalogue_detail": R("discretion.view_catalogue", "catalogue"),
    "discretion:catalogue_edit": R("discretion.change_catalogue", "draft_catalogue"),
    # the matrix's draft exists already: copying again is refused with a message and sent back
    "discretion:catalogue_new_version": R("discretion.add_catalogue", "catalogue", method="post", ok=302),
    "discretion:catalogue_publish": R(
        "discretion.change_catalogue", "draft_catalogue", method="post", ok=302
    ),
    "discretion:catalogue_retire": R("discretion.change_catalogue", "catalogue", method="post", ok=302),
    "discretion:type_add": R("discretion.add_violationtype", "draft_catalogue"),
    "discretion:factor_add": R("discretion.add_factor", "draft_catalogue"),
    "discretion:type_detail": R("discretion.view_violationtype", "violation_type"),
    "discretion:type_edit": R("discretion.change_violationtype", "draft_violation_type"),
    "discretion:type_propose": R("discretion.propose_violationtype", "violation_type"),
    "discretion:factor_edit": R("discretion.change_factor", "draft_factor"),
    "catalogue-list": R("discretion.view_catalogue", api=True),
    "catalogue-detail": R("discretion.view_catalogue", "catalogue", api=True),
    "violationtype-list": R("discretion.view_violationtype", api=True),
    "violationtype-detail": R("discretion.view_violationtype", "violation_type", api=True),
    "violationtype-propose": R("discretion.propose_violationtype", "violation_type", api=True, method="post"),
    # The working-day calendar and statutory periods (district reference data)
    "calendar:overview": R("core.view_calendarday"),
    "calendar:day_list": R("core.view_calendarday"),
    "calendar:day_add": R("core.add_calendarday"),
    "calendar:day_edit": R("core.change_calendarday", "calendarday"),
    "calendar:day_delete": R("core.delete_calendarday", "calendarday", method="post", ok=302),
    "calendar:import": R("core.add_calendaryear"),
    "calendar:rule_list": R("core.view_periodrule"),
    "calendar:rule_add": R("core.add_periodrule"),
    "calendar:rule_edit": R("core.change_periodrule", "periodrule"),
    "calendarday-list": R("core.view_calendarday", api=True),
    "calendarday-detail": R("core.view_calendarday", "calendarday", api=True),
    "periodrule-list": R("core.view_periodrule", api=True),
    "periodrule-detail": R("core.view_periodrule", "periodrule", api=True),
    # without a start date the calculator answers 400 naming the field
    "periodrule-due": R("core.view_periodrule", api=True, ok=400),
    # Accidents: the register, casualty updates, the double decline
    "accidents:accident_list": R("accidents.view_accident"),
    "accidents:accident_add": R("accidents.add_accident"),
    "accidents:accident_detail": R("accidents.view_accident", "accident", scoped=True),
    "accidents:accident_edit": R("accidents.change_accident", "accident", scoped=True),
    "accidents:casualty_update": R("accidents.add_casualtyupdate", "accident", scoped=True),
    "accidents:double_decline": R("accidents.view_accident"),
    "accident-list": R("accidents.view_accident", api=True),
    "accident-detail": R("accidents.view_accident", "accident", scoped=True, api=True),
    "accident-casualty-updates": R(
        "accidents.add_casualtyupdate", "accident", scoped=True, api=True, method="post", ok=400
    ),
    "accident-double-decline": R("accidents.view_accident", api=True),
    # Training: sessions, attendance, hours, certificate renewal readiness
    "training:session_list": R("training.view_trainingsession"),
    "training:session_add": R("training.add_trainingsession"),
    "training:session_detail": R("training.view_trainingsession", "training", scoped=True),
    "training:session_edit": R("training.change_trainingsession", "training", scoped=True),
    "training:attendance": R("training.add_attendance", "training", scoped=True),
    "training:hours": R("training.view_attendance"),
    "training:readiness": R("training.view_attendance"),
    "trainingsession-list": R("training.view_trainingsession", api=True),
    "trainingsession-detail": R("training.view_trainingsession", "training", scoped=True, api=True),
    "trainingsession-attendance": R(
        "training.add_attendance", "training", scoped=True, api=True, method="post", ok=400
    ),
    "trainingsession-hours": R("training.view_attendance", api=True),
    # Penalty cases: the queue, registering (also from a queued case source), the case page and its steps,
    # evidence, the case file, legal review, deadlines and the procedure's figures
    "cases:case_list": R("cases.view_case"),
    "cases:case_add": R("cases.add_case"),
    "cases:case_from_source": R("cases.add_case", "casesource", scoped=True),
    "cases:case_detail": R("cases.view_case", "case", scoped=True),
    "cases:case_unmask": R(
        "cases.view_personal_data", "case", scoped=True, method="post", extra=(("field", "party_code"),)
    ),
    "cases:case_step": R("cases.handle_case", "case", scoped=True, extra=(("name", "submit_registration"),)),
    "cases:evidence_add": R("cases.add_caseevidence", "case", scoped=True, method="post", ok=302),
    # a case not yet archived downloads a preview bound from its current documents
    "cases:case_file": R("cases.view_case", "case", scoped=True),
    "cases:evidence_download": R("cases.view_caseevidence", "caseevidence", scoped=True),
    "cases:review_queue": R("cases.view_legalreview"),
    "cases:review_detail": R("cases.view_legalreview", "review", scoped=True),
    "cases:deadline_list": R("cases.view_casedeadline"),
    "cases:rules_list": R("cases.view_procedurerules"),
    "cases:rules_add": R("cases.add_procedurerules"),
    "cases:rules_detail": R("cases.view_procedurerules", "rules"),
    "cases:rules_edit": R("cases.change_procedurerules", "rules"),
    # API: penalty cases (the matrix's case is a draft of board A), the review queue, the deadlines; one
    # endpoint per step of the procedure, generated from the table below
    "case-list": R("cases.view_case", api=True),
    "case-detail": R("cases.view_case", "case", scoped=True, api=True),
    "case-events": R("cases.view_case", "case", scoped=True, api=True),
    "case-deadlines": R("cases.view_casedeadline", "case", scoped=True, api=True),
    "case-documents": R("documents.view_issueddocument", "case", scoped=True, api=True),
    "case-reviews": R("cases.view_legalreview", "case", scoped=True, api=True),
    "legalreview-list": R("cases.view_legalreview", api=True),
    "legalreview-detail": R("cases.view_legalreview", "review", scoped=True, api=True),
    "casedeadline-list": R("cases.view_casedeadline", api=True),
    # Case-file review: rounds (the matrix's round is in scoring, organised by bruce; a draft round for the
    # settings and the draw, refused for want of closed files), a board-B file assigned to alice (its
    # reviewer: the grant is the assignment, so bob of board B gets 404), the versioned standard
    "reviews:round_list": R("reviews.view_reviewround"),
    "reviews:round_add": R("reviews.add_reviewround"),
    "reviews:round_detail": R("reviews.view_reviewround", "review_round"),
    "reviews:round_edit": R("reviews.change_reviewround", "draft_review_round"),
    "reviews:round_sample": R("reviews.change_reviewround", "draft_review_round", method="post", ok=302),
    "reviews:round_start": R("reviews.change_reviewround", "review_round", method="post", ok=302),
    "reviews:round_finish": R("reviews.change_reviewround", "review_round", method="post", ok=302),
    "reviews:round_verify": R("reviews.view_reviewround", "review_round", method="post"),
    "reviews:round_candidates": R("reviews.view_reviewround", "review_round"),
    "reviews:round_export": R("reviews.view_reviewround", "review_round"),
    "reviews:assignment_list": R("reviews.view_reviewassignment"),
    "reviews:assignment_detail": R("reviews.view_reviewassignment", "review_assignment", scoped=True),
    # an empty sheet is shown again with the items' errors
    "reviews:assignment_score": R(
        "reviews.score_reviewassignment", "review_assignment", scoped=True, method="post"
    ),
    # not yet scored: the correction page sends back to the file
    "reviews:assignment_correct": R("reviews.correct_reviewassignment", "review_assignment", ok=302),
    "reviews:assignment_case_file": R("reviews.view_reviewassignment", "review_assignment", scoped=True),
    "reviews:rubric_list": R("reviews.view_rubric"),
    "reviews:rubric_detail": R("reviews.view_rubric", "rubric"),
    # the matrix's draft exists already: copying again is refused with a message and sent back
    "reviews:rubric_new_version": R("reviews.add_rubric", "rubric", method="post", ok=302),
    "reviews:rubric_edit": R("reviews.change_rubric", "draft_rubric"),
    "reviews:rubric_publish": R("reviews.change_rubric", "draft_rubric", method="post", ok=302),
    "reviewround-list": R("reviews.view_reviewround", api=True),
    "reviewround-detail": R("reviews.view_reviewround", "review_round", api=True),
    "reviewassignment-list": R("reviews.view_reviewassignment", api=True),
    "reviewassignment-detail": R("reviews.view_reviewassignment", "review_assignment", scoped=True, api=True),
    "reviewassignment-score": R(
        "reviews.score_reviewassignment", "review_assignment", scoped=True, api=True, method="post", ok=400
    ),
    # Bulletins: the matrix's bulletin is published (boards read it); approving or publishing it again is
    # refused (the page sends back with the reason, the API answers 409); generating without a month is 400
    "bulletins:bulletin_list": R("bulletins.view_bulletin"),
    "bulletins:bulletin_generate": R("bulletins.add_bulletin"),
    "bulletins:figures": R("bulletins.view_figures"),
    "bulletins:dashboard": R("bulletins.view_figures"),
    "bulletins:weights": R("bulletins.view_rankingweights"),
    "bulletins:bulletin_detail": R("bulletins.view_bulletin", "bulletin"),
    "bulletins:bulletin_approve": R("bulletins.approve_bulletin", "bulletin", method="post", ok=302),
    "bulletins:bulletin_publish": R("bulletins.publish_bulletin", "bulletin", method="post", ok=302),
    "bulletins:bulletin_pdf": R("bulletins.view_bulletin", "bulletin"),
    "bulletins:bulletin_xlsx": R("bulletins.view_bulletin", "bulletin"),
    "bulletin-list": R("bulletins.view_bulletin", api=True),
    "bulletin-detail": R("bulletins.view_bulletin", "bulletin", api=True),
    "bulletin-pdf": R("bulletins.view_bulletin", "bulletin", api=True),
    "bulletin-figures": R("bulletins.view_figures", api=True),
    "bulletin-generate": R("bulletins.add_bulletin", api=True, method="post", ok=400),
    "bulletin-approve": R("bulletins.approve_bulletin", "bulletin", api=True, method="post", ok=409),
    "bulletin-publish": R("bulletins.publish_bulletin", "bulletin", api=True, method="post", ok=409),
}


def _case_step_routes() -> dict[str, R]:
    """``POST /api/v1/cases/{id}/<step>/`` for every step of ``zhifa.cases.workflow.STEPS``, with an empty
    body on the matrix's draft case: a step that does not start from a draft answers 409 (the state is
    checked before the body); of those that do, submitting the registration needs no field (200), the
    simple-procedure review is refused by its guard on a general case (409), the others miss fields (400)."""
    from zhifa.cases.choices import CaseStatus
    from zhifa.cases.workflow import STEPS

    from_draft = {"submit_registration": 200, "submit_simple_review": 409}
    return {
        f"case-{st.url_name}": R(
            st.perm,
            "case",
            scoped=True,
            api=True,
            method="post",
            ok=from_draft.get(st.name, 400) if CaseStatus.DRAFT in st.sources else 409,
        )
        for st in STEPS
    }


ROUTES.update(_case_step_routes())

#: Routes open to everyone or to any signed-in user, tested on their own below (the second factor,
#: re-authentication and one's own API tokens: zhifa/accounts/tests/test_mfa.py, test_tokens.py).
OPEN_ROUTES = {"home", "healthz", "login", "logout", "api-root", "api-schema", "api-docs"}
OPEN_ROUTES |= {"otp_verify", "otp_setup", "otp_recovery", "reauth", "token_list", "token_revoke"}
# every signed-in user's own password (zhifa/accounts/tests/test_passwords.py)
OPEN_ROUTES |= {"password_change"}

#: Who is tried, in order, for each column of the matrix.
BOARD_A = ("alice", "albert", "amy")
DISTRICT = ("bruce", "dan", "lily")
EVERYONE = ("amy", "alice", "albert", "eve", "audrey", "sam", "sue", "lily", "bruce", "dan")
TWIN_IN_B = {"alice": "bob", "albert": "bella", "amy": "bianca"}


@pytest.fixture
def matrix(world):
    from zhifa.orgs.models import Equipment, Pairing, Secondment

    world.users["bella"] = make_user(
        "bella",
        Role.BOARD_LEADER,
        region=world.board_b,
        officer=make_officer(world.board_b, Post.BOARD_LEADER),
    )
    world.users["bianca"] = make_user(
        "bianca",
        Role.SAFETY_MANAGER,
        region=world.board_b,
        officer=make_officer(world.board_b, Post.SAFETY_MANAGER, certified=False),
    )
    today = timezone.localdate()
    brigade = make_officer(world.district, Post.BRIGADE_OFFICER)
    objects = {
        "enterprise": make_enterprise(world.board_a),
        "region": world.board_a,
        "officer": world.alice.officer,
        "certificate": world.alice.officer.certificates.get(),
        "equipment": Equipment.objects.create(
            kind=EquipmentKind.RECORDER, serial_number="DSJ-A-0001", unit=world.board_a
        ),
        "secondment": Secondment.objects.create(officer=brigade, region=world.board_a, start=today),
        "pairing": Pairing.objects.create(officer=brigade, region=world.board_a, start=today),
        "expert": world.eve.expert,
        "group": world.eve.expert.groups.first(),
        "audit": AuditEntry.objects.first(),
        "usersession": _user_session(world),
        "account": world.alice,
        "document": _issued_document(world),
    }
    objects.update(_inspection_objects(world))
    objects["checklist"] = objects["inspection"].checklist
    objects.update(_planning_objects(world))
    objects.update(_disclosure_objects(world))
    objects.update(_discretion_objects())
    objects.update(_calendar_objects())
    objects["accident"] = _accident(world)
    objects["training"] = _training(world)
    objects["bulletin"] = _bulletin()
    objects.update(_case_objects(world, objects["inspection"]))
    objects.update(_review_objects(world))
    return world, objects


def _user_session(world):
    """A signed-in session of alice, as the security administrator lists it."""
    from zhifa.accounts.models import UserSession

    return UserSession.objects.create(user=world.alice, session_key="matrix-session", ip="10.0.0.8")


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _case_objects(world, inspection):
    """A draft case of board A handled by alice, a queued case source, a pending review round (stored
    directly: the procedure is tested in zhifa.cases), an evidence file and the procedure's figures."""
    from django.core.files.base import ContentFile

    from zhifa.cases import services as case_services
    from zhifa.cases.models import LegalReview, ProcedureRules
    from zhifa.cases.tests.helpers import new_case
    from zhifa.inspections import services

    case = new_case(world)
    today = timezone.localdate()
    return {
        "case": case,
        "casesource": services.refer_to_case(
            user=world.alice, description="未按规定培训", inspection=inspection
        ),
        "review": LegalReview.objects.create(
            case=case, round=1, submitted_by=world.alice, due_on=today, proposal_version=0
        ),
        "caseevidence": case_services.add_evidence(
            case,
            user=world.alice,
            title="现场照片",
            kind="photo",
            collected_on=today,
            upload=ContentFile(_png(), name="scene.png"),
        ),
        "rules": ProcedureRules.objects.order_by("effective_from").first(),
    }


def _review_objects(world):
    """The seeded (published) scoring standard and a draft copy; a round in scoring organised by bruce
    (stored directly: the draw is tested in zhifa.reviews) with a board-B file assigned to alice; a draft
    round."""
    from zhifa.cases.choices import CaseStatus, PartyKind, SourceKind
    from zhifa.cases.models import Case
    from zhifa.reviews import services as review_services
    from zhifa.reviews.choices import RoundStatus
    from zhifa.reviews.models import ReviewAssignment, ReviewRound, Rubric

    rubric = Rubric.objects.get(name="行政处罚案卷评查评分标准（示例）", version=1)
    today = timezone.localdate()
    rounds = {
        key: ReviewRound.objects.create(
            name=name,
            period_start=today - timedelta(days=30),
            period_end=today,
            rubric=rubric,
            organiser=world.bruce,
            status=status,
            candidates_json="{}" if status != RoundStatus.DRAFT else "",
        )
        for key, name, status in (
            ("review_round", "年度案卷评查", RoundStatus.SCORING),
            ("draft_review_round", "下半年案卷评查", RoundStatus.DRAFT),
        )
    }
    case = Case.objects.create(
        board=world.board_b,
        agency=world.district,
        status=CaseStatus.CLOSED,
        closed_on=today,
        source_kind=SourceKind.INSPECTION,
        party_kind=PartyKind.UNIT,
        party_name="某某五金有限公司",
        cause="未按规定对从业人员进行安全生产教育和培训",
        created_by=world.bob,
    )
    assignment = ReviewAssignment.objects.create(
        round=rounds["review_round"], position=0, case=case, board=world.board_b, reviewer=world.alice
    )
    return {
        **rounds,
        "review_assignment": assignment,
        "rubric": rubric,
        "draft_rubric": review_services.new_rubric_version(rubric, user=world.sam),
    }


def _discretion_objects():
    """The seeded (published) example benchmark and one entry of it, and a draft copy with an entry
    and a factor for the administrator's edit pages."""
    from zhifa.discretion import services as discretion_services
    from zhifa.discretion.models import Catalogue

    published = Catalogue.objects.get(name="武进区安全生产行政处罚裁量基准（示例）")
    draft = discretion_services.new_version(published, user=None)
    return {
        "catalogue": published,
        "violation_type": published.violation_types.get(code="97-4"),
        "draft_catalogue": draft,
        "draft_violation_type": draft.violation_types.get(code="97-4"),
        "draft_factor": draft.factors.get(code="repeat"),
    }


def _planning_objects(world):
    """A draft plan, a district-wide draw (stored directly: the engine is tested in zhifa.planning) and a
    drawn task of board A with alice on its team."""
    from zhifa.planning import plan as plans
    from zhifa.planning.choices import DrawStatus, TaskKind
    from zhifa.planning.models import Draw, Task

    year = timezone.localdate().year
    plan = plans.build_plan(user=world.dan, year=year)
    draw = Draw.objects.create(
        district=world.district,
        year=year,
        month=12,
        algorithm_version="zhifa-draw/1 (matrix)",
        status=DrawStatus.DRAWN,
        commitment="0" * 64,
        seed_hex="1" * 64,
        pool_json="{}",
        pool_hash="2" * 64,
        params={"quotas": {}},
        created_by=world.dan,
        committed_at=timezone.now(),
    )
    task = Task.objects.create(
        draw=draw,
        enterprise=make_enterprise(world.board_a),
        board=world.board_a,
        planned_date=timezone.localdate() + timedelta(days=7),
        officer_1=world.alice.officer,
        officer_2=make_officer(world.board_a),
        expert=world.eve.expert,
        kind=TaskKind.RANDOM,
        created_by=world.dan,
    )
    return {"plan": plan, "draw": draw, "task": task}


def _calendar_objects():
    """An override day (a local rest day of 2030) and the seeded payment period."""
    from datetime import date

    from zhifa.core.models import CalendarDay, PeriodRule

    day = CalendarDay.objects.create(date=date(2030, 1, 2), is_workday=False, name="元旦")
    return {"calendarday": day, "periodrule": PeriodRule.objects.filter(code="payment").first()}


def _accident(world):
    """An accident in board A, an hour ago, reported within the hour."""
    from zhifa.accidents.models import Accident

    now = timezone.now()
    return Accident.objects.create(
        board=world.board_a,
        unit_name="某某五金加工厂",
        occurred_at=now - timedelta(hours=1),
        reported_at=now - timedelta(minutes=30),
        place="冲压车间",
        category="industry_trade",
        deaths=1,
    )


def _disclosure_objects(world):
    """A published decision of board A (case and publication stored directly: publishing is tested in
    zhifa.disclosure)."""
    from zhifa.cases.choices import PartyKind, SourceKind
    from zhifa.cases.models import Case
    from zhifa.disclosure.models import Publication

    case = Case.objects.create(
        board=world.board_a,
        agency=world.district,
        source_kind=SourceKind.INSPECTION,
        party_kind=PartyKind.UNIT,
        party_name="某某机械有限公司",
        cause="未按规定对从业人员进行安全生产教育和培训",
        created_by=world.alice,
    )
    publication = Publication.objects.create(
        case=case,
        decision_number="（武）应急罚〔2026〕9号",
        decided_on=timezone.localdate(),
        agency_name="常州市武进区应急管理局",
        content={"party_name": case.party_name},
        published_by=world.dan,
    )
    return {"published_case": case, "publication": publication}


def _bulletin():
    """Last month's bulletin, published (its PDF a stand-in: rendering is tested in zhifa.bulletins)."""
    from zhifa.bulletins import figures
    from zhifa.bulletins.models import Bulletin
    from zhifa.core import storage

    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return Bulletin.objects.create(
        month=first,
        status="published",
        figures=figures.compute(first),
        pdf_sha256=storage.put_bytes(b"%PDF-1.4 access matrix bulletin"),
        published_at=timezone.now(),
    )


def _training(world):
    """A drill of board A held yesterday."""
    from zhifa.training.models import TrainingSession

    return TrainingSession.objects.create(
        board=world.board_a,
        kind="drill",
        title="现场检查文书制作练兵",
        date=timezone.localdate() - timedelta(days=1),
        hours=2,
    )


def _issued_document(world):
    """A document of board A whose files are stored (tiny stand-ins; rendering is tested elsewhere)."""
    from django.contrib.contenttypes.models import ContentType

    from zhifa.core import storage
    from zhifa.documents.models import FormKind, IssuedDocument

    return IssuedDocument.objects.create(
        kind=FormKind.objects.get(pk="inspection_record"),
        agency=world.district,
        board=world.board_a,
        year=timezone.localdate().year,
        sequence=1,
        number="（武）应急检〔2026〕1号",
        title="现场检查记录",
        pdf_sha256=storage.put_bytes(b"%PDF-1.4 access matrix"),
        docx_sha256=storage.put_bytes(b"PK access matrix"),
        subject_type=ContentType.objects.get_for_model(world.board_a),
        subject_id=world.board_a.pk,
        issued_by=world.alice,
    )


def _inspection_objects(world):
    """Board A's draft inspection with a hazard, an order for it (made directly: a signed record would
    render documents), an extension request, a re-inspection and a photo."""
    import io

    from PIL import Image

    from zhifa.inspections import services
    from zhifa.inspections.evidence import add_evidence
    from zhifa.inspections.models import (
        ChecklistItem,
        ChecklistTemplate,
        RectificationItem,
        RectificationOrder,
    )

    template = ChecklistTemplate.objects.create(code="matrix", name="通用安全检查表")
    ChecklistItem.objects.create(
        template=template, order=1, text="是否建立安全生产责任制", legal_basis="安全生产法"
    )
    checklist = services.publish_checklist(template, user=None)
    inspection = services.start_inspection(
        enterprise=make_enterprise(world.board_a), checklist=checklist, user=world.alice
    )
    hazard = services.add_hazard(inspection, description="疏散通道堵塞", user=world.alice)
    order = RectificationOrder.objects.create(
        inspection=inspection, enterprise=inspection.enterprise, board=world.board_a, issued_by=world.alice
    )
    RectificationItem.objects.create(order=order, hazard=hazard, deadline=timezone.localdate())
    extension = services.request_extension(
        order,
        [hazard],
        timezone.localdate() + timedelta(days=30),
        reason="设备采购",
        applicant="王五",
        user=world.alice,
    )
    review = services.start_reinspection(order, user=world.alice)
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(png, "PNG")
    png.seek(0)
    evidence = add_evidence(png, kind="photo", user=world.alice, inspection=inspection)
    return {
        "inspection": inspection,
        "hazard": hazard,
        "order": order,
        "extension": extension,
        "reinspection": review,
        "evidence": evidence,
    }


def _request(client, route: R, name: str, obj):
    kwargs = {**({"pk": obj.pk} if obj is not None else {}), **dict(route.extra)}
    url = reverse(name, kwargs=kwargs or None)
    return getattr(client, route.method)(url, {}, **({"format": "json"} if route.api else {}))


def _client(world, persona, web, api, route):
    user = getattr(world, persona) if persona else None
    return api(user) if route.api else web(user)


def _first_with(world, personas, perm, has=True):
    for persona in personas:
        if getattr(world, persona).has_perm(perm) == has:
            return persona
    return None


CASES = [
    (name, column) for name in ROUTES for column in ("anonymous", "no_permission", "permitted", "other_board")
]


@pytest.mark.parametrize("name, column", CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_access(matrix, web, api, name, column):
    world, objects = matrix
    route = ROUTES[name]
    obj = objects[route.obj] if route.obj else None
    if route.public:
        if column in ("no_permission", "other_board"):
            pytest.skip("a public route: no permission to lack, no board")
        persona = None if column == "anonymous" else "alice"
        response = _request(_client(world, persona, web, api, route), route, name, obj)
        assert response.status_code == route.ok, (persona, response.status_code)
        return
    if column == "anonymous":
        response = _request(_client(world, None, web, api, route), route, name, obj)
        if route.api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if column == "no_permission":
        persona = _first_with(world, EVERYONE, route.perm, has=False)
        assert persona, f"every persona holds {route.perm}"
        response = _request(_client(world, persona, web, api, route), route, name, obj)
        assert response.status_code == 403, (persona, response.status_code)
        return
    own = (
        _first_with(world, BOARD_A, route.perm)
        or _first_with(world, DISTRICT, route.perm)
        or _first_with(world, EVERYONE, route.perm)
    )
    assert own, f"nobody holds {route.perm}"
    if column == "permitted":
        response = _request(_client(world, own, web, api, route), route, name, obj)
        assert response.status_code == route.ok, (own, response.status_code)
        return
    # other_board
    if not route.scoped or own not in TWIN_IN_B:
        pytest.skip("not a board-scoped record, or only district roles hold the permission")
    twin = TWIN_IN_B[own]
    response = _request(_client(world, twin, web, api, route), route, name, obj)
    assert response.status_code == 404, (twin, response.status_code)


def test_every_route_is_in_the_matrix():
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                if ns == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    missing = names - set(ROUTES) - OPEN_ROUTES
    assert not missing, f"routes without access tests: {sorted(missing)}"


def test_open_routes_behave(matrix, web, api):
    world, _ = matrix
    assert web(None).get("/healthz").status_code == 200
    assert web(None).get("/accounts/login/").status_code == 200
    assert web(None).get("/").status_code == 302
    for persona in EVERYONE:
        assert web(getattr(world, persona)).get("/").status_code == 200, persona
    assert api(None).get("/api/v1/schema/").status_code == 401
    assert api(world.alice).get("/api/v1/schema/").status_code == 200
