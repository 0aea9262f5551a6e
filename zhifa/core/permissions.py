"""Who may do what: every permission of the platform, declared in one place.

Roles are fixed by the enforcement model (the law decides who may inspect and decide), so the
role → permission map is code reviewed with the rest, not rows an administrator could quietly edit.
Views and API endpoints declare the permission they need; ``RoleBackend`` answers Django's
``user.has_perm`` from this map, so Django's admin, decorators and DRF all read the same source.

Jurisdiction (which rows) is a separate question answered by ``RestrictedQuerySet.restrict``.
"""

from __future__ import annotations

from collections.abc import Set

from django.contrib.auth.backends import ModelBackend

from zhifa.core.roles import ADMIN_ROLES, BOARD_ROLES, BUSINESS_ROLES, DISTRICT_ROLES, Role

R = Role
ALL_BUSINESS = set(BUSINESS_ROLES)
DISTRICT = set(DISTRICT_ROLES)
REGISTRY_EDITORS = {R.DISTRICT_LEADER, R.BRIGADE_OFFICER, R.BOARD_LEADER, R.BOARD_OFFICER, R.SAFETY_MANAGER}
CERTIFIED_POSTS = {R.DISTRICT_LEADER, R.BRIGADE_OFFICER, R.BOARD_LEADER, R.BOARD_OFFICER}

# Values are sets of ``Role`` members (``str`` subclasses); ``Set`` is read-only, so covariant.
PERMISSIONS: dict[str, Set[str]] = {
    # Organisation
    "orgs.view_region": ALL_BUSINESS | {R.EXPERT, R.SYSTEM_ADMIN, R.SECURITY_ADMIN},
    "orgs.change_region": {R.SYSTEM_ADMIN},
    "orgs.view_officer": ALL_BUSINESS,
    "orgs.add_officer": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.change_officer": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.import_officer": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.export_officer": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.view_personal_data": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    # Full personal data on an explicit, audited action (which fields: zhifa.core.personal.POLICY).
    "experts.view_personal_data": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "enterprises.view_personal_data": REGISTRY_EDITORS,
    "cases.view_personal_data": CERTIFIED_POSTS | {R.LEGAL_REVIEWER},
    "inspections.view_personal_data": REGISTRY_EDITORS,
    "orgs.view_certificate": ALL_BUSINESS,
    "orgs.add_certificate": {R.DISTRICT_LEADER},
    "orgs.change_certificate": {R.DISTRICT_LEADER},
    "orgs.view_equipment": ALL_BUSINESS,
    "orgs.add_equipment": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.change_equipment": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "orgs.view_secondment": ALL_BUSINESS,
    "orgs.add_secondment": {R.DISTRICT_LEADER},
    "orgs.change_secondment": {R.DISTRICT_LEADER},
    "orgs.view_pairing": ALL_BUSINESS,
    "orgs.add_pairing": {R.DISTRICT_LEADER},
    "orgs.change_pairing": {R.DISTRICT_LEADER},
    "orgs.view_staffing": ALL_BUSINESS,
    # Experts
    "experts.view_expertgroup": ALL_BUSINESS | {R.EXPERT},
    "experts.change_expertgroup": {R.SYSTEM_ADMIN},
    "experts.view_expert": ALL_BUSINESS | {R.EXPERT},
    "experts.add_expert": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "experts.change_expert": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "experts.import_expert": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "experts.export_expert": DISTRICT,
    # Enterprises
    "enterprises.view_industry": ALL_BUSINESS | {R.EXPERT, R.SYSTEM_ADMIN},
    "enterprises.view_enterprise": ALL_BUSINESS,
    "enterprises.add_enterprise": REGISTRY_EDITORS,
    "enterprises.change_enterprise": REGISTRY_EDITORS,
    "enterprises.import_enterprise": REGISTRY_EDITORS,
    "enterprises.export_enterprise": ALL_BUSINESS,
    "enterprises.override_class": CERTIFIED_POSTS,
    "enterprises.view_classrule": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "enterprises.change_classrule": {R.SYSTEM_ADMIN},
    "enterprises.add_classrule": {R.SYSTEM_ADMIN},
    "enterprises.view_classruleset": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "enterprises.add_classruleset": {R.SYSTEM_ADMIN},
    "enterprises.change_classruleset": {R.SYSTEM_ADMIN},
    # Inspections (only certified posts sign; safety managers help draft and record hazards)
    "inspections.view_checklisttemplate": ALL_BUSINESS | {R.EXPERT, R.SYSTEM_ADMIN},
    "inspections.add_checklisttemplate": {R.SYSTEM_ADMIN, R.DISTRICT_LEADER},
    "inspections.change_checklisttemplate": {R.SYSTEM_ADMIN, R.DISTRICT_LEADER},
    "inspections.view_inspection": ALL_BUSINESS,
    "inspections.add_inspection": REGISTRY_EDITORS,
    "inspections.change_inspection": REGISTRY_EDITORS,
    "inspections.sign_off_inspection": CERTIFIED_POSTS,
    "inspections.view_hazard": ALL_BUSINESS,
    "inspections.add_hazard": REGISTRY_EDITORS,
    "inspections.change_hazard": REGISTRY_EDITORS,
    "inspections.view_evidence": ALL_BUSINESS,
    "inspections.add_evidence": REGISTRY_EDITORS,
    "inspections.view_rectificationorder": ALL_BUSINESS,
    "inspections.add_rectificationorder": CERTIFIED_POSTS,
    "inspections.view_extensionrequest": ALL_BUSINESS,
    "inspections.add_extensionrequest": REGISTRY_EDITORS,
    "inspections.decide_extensionrequest": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "inspections.view_reinspection": ALL_BUSINESS,
    "inspections.add_reinspection": CERTIFIED_POSTS,
    "inspections.change_reinspection": CERTIFIED_POSTS,
    "inspections.view_casesource": ALL_BUSINESS,
    "inspections.add_casesource": CERTIFIED_POSTS,
    # Documents: issued by the workflows above; corrected as new versions, never edited
    "documents.view_issueddocument": ALL_BUSINESS,
    "documents.correct_issueddocument": CERTIFIED_POSTS,
    "documents.view_servicerecord": ALL_BUSINESS,
    "documents.add_servicerecord": REGISTRY_EDITORS,
    "documents.view_formkind": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "documents.change_formkind": {R.SYSTEM_ADMIN},
    # Planning: the district builds the plan and its leader approves it; draws for the district or
    # across boards are the district's, a board leader may draw for the own board; only a board leader
    # swaps a drawn member (with the reason). The frequency table is reference data.
    "planning.view_frequencyruleset": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "planning.add_frequencyruleset": {R.SYSTEM_ADMIN},
    "planning.change_frequencyruleset": {R.SYSTEM_ADMIN},
    "planning.view_annualplan": ALL_BUSINESS,
    "planning.add_annualplan": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "planning.submit_annualplan": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "planning.approve_annualplan": {R.DISTRICT_LEADER},
    "planning.view_draw": ALL_BUSINESS,
    "planning.add_draw": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER, R.BOARD_LEADER},
    "planning.view_task": ALL_BUSINESS | {R.EXPERT},  # an expert sees the own tasks only
    "planning.add_task": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER, R.BOARD_LEADER},
    "planning.cancel_task": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    "planning.swap_task": {R.BOARD_LEADER},
    "planning.view_officerconflict": ALL_BUSINESS,
    "planning.add_officerconflict": {R.DISTRICT_LEADER, R.BOARD_LEADER},
    # Accidents: every business role reads them (in its jurisdiction). They are recorded and updated
    # by the enforcement posts of the board and the district (the registry editors less the safety
    # managers, who are auxiliary staff): the record feeds official statistics and the investigation.
    # The legal reviewer reviews cases and does not keep this register. The level thresholds
    # (条例 第三条) are reference data kept by the system administrator.
    "accidents.view_levelthreshold": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "accidents.add_levelthreshold": {R.SYSTEM_ADMIN},
    "accidents.change_levelthreshold": {R.SYSTEM_ADMIN},
    "accidents.view_accident": ALL_BUSINESS,
    "accidents.add_accident": REGISTRY_EDITORS - {R.SAFETY_MANAGER},
    "accidents.change_accident": REGISTRY_EDITORS - {R.SAFETY_MANAGER},
    "accidents.view_casualtyupdate": ALL_BUSINESS,
    "accidents.add_casualtyupdate": REGISTRY_EDITORS - {R.SAFETY_MANAGER},
    # Training: the district's roles organise training for the district or a board, a board leader
    # for the own board, and they record attendance; everyone reads. The yearly requirement (hours,
    # exam pass mark) is reference data kept by the system administrator.
    "training.view_trainingsession": ALL_BUSINESS,
    "training.add_trainingsession": DISTRICT | {R.BOARD_LEADER},
    "training.change_trainingsession": DISTRICT | {R.BOARD_LEADER},
    "training.view_attendance": ALL_BUSINESS,
    "training.add_attendance": DISTRICT | {R.BOARD_LEADER},
    "training.change_attendance": DISTRICT | {R.BOARD_LEADER},
    "training.view_trainingrequirement": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "training.add_trainingrequirement": {R.SYSTEM_ADMIN},
    "training.change_trainingrequirement": {R.SYSTEM_ADMIN},
    # Discretion benchmarks: reference data every business role reads (and tries a proposal on); the
    # system administrator keeps the versions (a draft is seen by nobody else until published).
    "discretion.view_catalogue": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "discretion.add_catalogue": {R.SYSTEM_ADMIN},
    "discretion.change_catalogue": {R.SYSTEM_ADMIN},
    "discretion.view_violationtype": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "discretion.add_violationtype": {R.SYSTEM_ADMIN},
    "discretion.change_violationtype": {R.SYSTEM_ADMIN},
    "discretion.propose_violationtype": ALL_BUSINESS,
    "discretion.view_tier": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "discretion.add_tier": {R.SYSTEM_ADMIN},
    "discretion.change_tier": {R.SYSTEM_ADMIN},
    "discretion.view_factor": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "discretion.add_factor": {R.SYSTEM_ADMIN},
    "discretion.change_factor": {R.SYSTEM_ADMIN},
    # Penalty cases: certified officers handle; the agency head (district leader, or a board leader where
    # the board decides in its own name — checked per case by the workflow) registers and decides; only
    # the district's legal reviewers review. Rows are scoped to the handling board.
    "cases.view_case": ALL_BUSINESS,
    "cases.add_case": CERTIFIED_POSTS,
    "cases.change_case": CERTIFIED_POSTS,
    "cases.handle_case": CERTIFIED_POSTS,
    "cases.review_registration": {R.BOARD_LEADER, R.DISTRICT_LEADER},
    "cases.approve_case": {R.BOARD_LEADER, R.DISTRICT_LEADER},
    "cases.decide_case": {R.BOARD_LEADER, R.DISTRICT_LEADER},
    "cases.legal_review_case": {R.LEGAL_REVIEWER},
    "cases.view_legalreview": ALL_BUSINESS,
    "cases.view_casedeadline": ALL_BUSINESS,
    "cases.view_caseevidence": ALL_BUSINESS,
    "cases.add_caseevidence": CERTIFIED_POSTS | {R.SAFETY_MANAGER},
    "cases.view_procedurerules": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "cases.change_procedurerules": {R.SYSTEM_ADMIN},
    "cases.add_procedurerules": {R.SYSTEM_ADMIN},
    # Case-file review (案卷评审) and contests (案卷评比): the district leader and the brigade organise rounds
    # and draw the files; the users a round assigns score them (board leaders and officers of another
    # board, the brigade, legal reviewers named into the pool), each reaching only the files assigned to
    # them; board leaders read their board's results once a round ends. The round's organiser (or the
    # district leader) corrects a submitted score as a new version with the reason. The scoring standard
    # is versioned reference data kept by the district leader and the system administrator.
    "reviews.view_reviewround": DISTRICT | {R.BOARD_LEADER},
    "reviews.add_reviewround": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "reviews.change_reviewround": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "reviews.view_reviewassignment": DISTRICT | {R.BOARD_LEADER, R.BOARD_OFFICER},
    "reviews.score_reviewassignment": DISTRICT | {R.BOARD_LEADER, R.BOARD_OFFICER},
    "reviews.correct_reviewassignment": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "reviews.view_rubric": DISTRICT | {R.BOARD_LEADER, R.BOARD_OFFICER, R.SYSTEM_ADMIN},
    "reviews.add_rubric": {R.DISTRICT_LEADER, R.SYSTEM_ADMIN},
    "reviews.change_rubric": {R.DISTRICT_LEADER, R.SYSTEM_ADMIN},
    # The working-day calendar and statutory periods: reference data every business role reads (deadlines
    # are computed from it); only the system administrator edits overrides, imports a year's arrangement
    # (CalendarYear) or changes a period rule.
    "core.view_calendarday": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "core.add_calendarday": {R.SYSTEM_ADMIN},
    "core.change_calendarday": {R.SYSTEM_ADMIN},
    "core.delete_calendarday": {R.SYSTEM_ADMIN},
    "core.view_calendaryear": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "core.add_calendaryear": {R.SYSTEM_ADMIN},
    "core.view_periodrule": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "core.add_periodrule": {R.SYSTEM_ADMIN},
    "core.change_periodrule": {R.SYSTEM_ADMIN},
    # Public disclosure (行政执法公示): the portal at /public/ is open to everyone and needs no permission.
    # The district's roles and board leaders follow the decisions awaiting publication; the district
    # leader, brigade officers and board leaders (their board's cases, by jurisdiction) publish them.
    # The powers each body publishes are reference data kept by the system administrator.
    "disclosure.view_publication": DISTRICT | {R.BOARD_LEADER},
    "disclosure.add_publication": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER, R.BOARD_LEADER},
    "disclosure.view_bodydisclosure": {R.SYSTEM_ADMIN},
    "disclosure.add_bodydisclosure": {R.SYSTEM_ADMIN},
    "disclosure.change_bodydisclosure": {R.SYSTEM_ADMIN},
    # Monthly bulletins (每月通报): the district's roles read drafts, everyone reads published bulletins
    # (the queryset keeps board roles to those); the district leader and brigade officers generate them,
    # only the district leader approves and publishes. Live figures: every business role, a board's
    # roles their own boards beside the district's average (zhifa.bulletins.figures.for_user). The
    # ranking's weighting is reference data kept by the system administrator.
    "bulletins.view_bulletin": ALL_BUSINESS,
    "bulletins.add_bulletin": {R.DISTRICT_LEADER, R.BRIGADE_OFFICER},
    "bulletins.approve_bulletin": {R.DISTRICT_LEADER},
    "bulletins.publish_bulletin": {R.DISTRICT_LEADER},
    "bulletins.view_figures": ALL_BUSINESS,
    "bulletins.view_rankingweights": ALL_BUSINESS | {R.SYSTEM_ADMIN},
    "bulletins.add_rankingweights": {R.SYSTEM_ADMIN},
    "bulletins.change_rankingweights": {R.SYSTEM_ADMIN},
    # The full-process record: read by the audit administrator only (三员 separation).
    "core.view_auditentry": {R.AUDIT_ADMIN},
    "core.export_auditentry": {R.AUDIT_ADMIN},
    # Accounts: the system administrator manages them; only the security administrator sets roles.
    "accounts.view_user": {R.SYSTEM_ADMIN, R.SECURITY_ADMIN},
    "accounts.add_user": {R.SYSTEM_ADMIN},
    "accounts.change_user": {R.SYSTEM_ADMIN},
    "accounts.assign_role": {R.SECURITY_ADMIN},
    # Signed-in sessions and login lockouts: the security administrator sees them, ends sessions and
    # unlocks accounts and addresses (zhifa.accounts.views).
    "accounts.view_usersession": {R.SECURITY_ADMIN},
    "accounts.end_usersession": {R.SECURITY_ADMIN},
    # Second factor and API tokens: the security administrator resets a lost authenticator and
    # revokes anyone's token (every user lists, issues and revokes their own).
    "accounts.reset_otp": {R.SECURITY_ADMIN},
    "accounts.revoke_apitoken": {R.SECURITY_ADMIN},
}


def role_permissions(role: str) -> frozenset[str]:
    return frozenset(perm for perm, roles in PERMISSIONS.items() if role in roles)


_BY_ROLE = {role: role_permissions(role) for role in Role.values}


class RoleBackend(ModelBackend):
    """Authenticates like Django's ModelBackend; permissions come from the role alone."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if getattr(user_obj, "is_break_glass", False):
            # The break-glass account: every administrator's rights, only inside its window
            # (zhifa.accounts.breakglass). ``is_superuser``/``is_staff`` grant nothing anywhere.
            from zhifa.accounts import breakglass

            return set(breakglass.break_glass_permissions()) if breakglass.window_open(user_obj) else set()
        return set(_BY_ROLE.get(getattr(user_obj, "role", ""), frozenset()))

    def user_can_authenticate(self, user):
        from zhifa.accounts import breakglass

        return super().user_can_authenticate(user) and breakglass.may_sign_in(user)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))


def is_district_wide(user) -> bool:
    return getattr(user, "role", None) in DISTRICT_ROLES


def is_board_bound(user) -> bool:
    return getattr(user, "role", None) in BOARD_ROLES


def is_admin(user) -> bool:
    return getattr(user, "role", None) in ADMIN_ROLES
