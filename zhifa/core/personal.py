"""Personal data on screen, in the API and in exports: masked by default, full on an audited action.

``POLICY`` lists, in one place, every stored resident ID number and natural person's phone number,
how it is masked, and the permission whose holders may see it in full (the roles holding each
permission are in ``zhifa.core.permissions``). Even they see the full value only on an explicit action
— the "显示完整" button of a page (``unmask_view``, through htmx) or ``?unmask=1`` on a detail API
call — and each such view is written to the audit chain (``AuditAction.UNMASK``) naming the record
and the field, never the value. Exports say, in their audit row, which personal columns were full
and which masked. Documents that by law print a party's ID number (文书, 案卷) read the decrypted
value directly and are not masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import View
from rest_framework.filters import SearchFilter

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.crypto import HASH_ID_NUMBER, HASH_PHONE
from zhifa.core.validators import mask_id_number, mask_phone
from zhifa.core.views import PermissionMixin


def _person_party(case) -> bool:
    from zhifa.cases.choices import PartyKind

    return case.party_kind == PartyKind.PERSON


@dataclass(frozen=True)
class Rule:
    model: str  # label_lower, e.g. "orgs.officer"
    field: str
    label: Any  # what the audit row and the page call it
    kind: str  # HASH_ID_NUMBER or HASH_PHONE: how it is masked (and hashed)
    permission: str  # who may see it in full, on an explicit action
    #: When the value is personal at all (a unit's credit code is public); None for always.
    applies: Callable[[Any], bool] | None = None

    def personal(self, instance) -> bool:
        return self.applies is None or self.applies(instance)


POLICY: tuple[Rule, ...] = (
    Rule("orgs.officer", "id_number", _("身份证号码"), HASH_ID_NUMBER, "orgs.view_personal_data"),
    Rule("orgs.officer", "phone", _("联系电话"), HASH_PHONE, "orgs.view_personal_data"),
    # The pool's managers call experts.
    Rule("experts.expert", "phone", _("联系电话"), HASH_PHONE, "experts.view_personal_data"),
    # Those who register enterprises and inspect them call the safety contact.
    Rule(
        "enterprises.enterprise",
        "contact_phone",
        _("安全联系人电话"),
        HASH_PHONE,
        "enterprises.view_personal_data",
    ),
    # For those who handle and review cases: an individual party's ID number (a unit's credit code is
    # public) and the party's phone (an individual's, or that of the person a unit gave as contact).
    Rule(
        "cases.case",
        "party_code",
        _("当事人身份证号码"),
        HASH_ID_NUMBER,
        "cases.view_personal_data",
        _person_party,
    ),
    Rule(
        "cases.case",
        "party_phone",
        _("当事人联系电话"),
        HASH_PHONE,
        "cases.view_personal_data",
    ),
    Rule(
        "inspections.inspection",
        "onsite_person_phone",
        _("现场负责人电话"),
        HASH_PHONE,
        "inspections.view_personal_data",
    ),
)

_BY_KEY = {(r.model, r.field): r for r in POLICY}


def rule_for(model_or_instance, field: str) -> Rule | None:
    return _BY_KEY.get((model_or_instance._meta.label_lower, field))


def rules_of(model_or_instance) -> list[Rule]:
    label = model_or_instance._meta.label_lower
    return [r for r in POLICY if r.model == label]


def mask(kind: str, value: str) -> str:
    """The masked form: an ID number keeps its first 6 and last 4, a phone its first 3 and last 4."""
    if not value:
        return ""
    return mask_id_number(value) if kind == HASH_ID_NUMBER else mask_phone(value)


def is_personal(instance, field: str) -> bool:
    rule = rule_for(instance, field)
    return bool(rule and getattr(instance, field) and rule.personal(instance))


def may_unmask(user, instance, field: str) -> bool:
    rule = rule_for(instance, field)
    return bool(rule and user is not None and user.is_authenticated and user.has_perm(rule.permission))


def masked(instance, field: str) -> str:
    """The value as everybody sees it by default: masked when personal, as stored otherwise."""
    value = getattr(instance, field) or ""
    rule = rule_for(instance, field)
    if rule is None or not rule.personal(instance):
        return value
    return mask(rule.kind, value)


def audit_unmask(user, instance, fields: Iterable[str], *, via: str = "web") -> None:
    """One UNMASK row naming the record and the fields shown in full (never their values)."""
    fields = list(fields)
    rules = [rule for rule in (rule_for(instance, f) for f in fields) if rule is not None]
    labels = [str(rule.label) for rule in rules]
    if not labels:
        return
    record(
        AuditAction.UNMASK,
        instance,
        user=user,
        message=_("查看完整个人信息：%(fields)s") % {"fields": "、".join(labels)},
        after={"fields": list(fields), "via": via},
    )


# --- Pages ---------------------------------------------------------------------------------------


def unmask_url_name(instance) -> str:
    return f"{instance._meta.app_label}:{instance._meta.model_name}_unmask"


class UnmaskView(PermissionMixin, View):
    """POST: the full value of one personal field of one record, as an HTML fragment; audited.

    The record is looked up in the user's jurisdiction (404 outside it), the field must be in
    ``POLICY`` for the model (404 otherwise).
    """

    model: Any = None
    http_method_names = ["post"]

    def post(self, request, pk: int, field: str):
        rule = rule_for(self.model, field)
        if rule is None:
            raise Http404(_("没有这项个人信息"))
        queryset = self.model._default_manager.all().restrict(request.user, "view")
        instance = queryset.filter(pk=pk).first()
        if instance is None:
            raise Http404(_("记录不存在或不在您的管辖范围内"))
        value = getattr(instance, field) or ""
        if value and rule.personal(instance):
            audit_unmask(request.user, instance, [field])
        return HttpResponse(format_html('<span class="personal">{}</span>', value or "—"))

    @classmethod
    def for_model(cls, model, permission: str):
        return cls.as_view(model=model, permission=permission)


def render(user, instance, field: str, empty: str = "—") -> str:
    """The masked value, with a "显示完整" button for those who may see it in full (template tag)."""
    value = getattr(instance, field) or ""
    if not value:
        return format_html('<span class="personal">{}</span>', empty)
    if not is_personal(instance, field):
        return format_html('<span class="personal">{}</span>', value)
    shown = masked(instance, field)
    if not may_unmask(user, instance, field):
        return format_html('<span class="personal">{}</span>', shown)
    from django.urls import reverse

    url = reverse(unmask_url_name(instance), args=[instance.pk, field])
    return format_html(
        '<span class="personal">{} <button type="button" class="secondary outline small" hx-post="{}" '
        'hx-target="closest .personal" hx-swap="outerHTML" title="{}">{}</button></span>',
        shown,
        url,
        _("显示完整（将记入审计日志）"),
        _("显示完整"),
    )


# --- API -----------------------------------------------------------------------------------------


def unmask_requested(serializer) -> bool:
    request = serializer.context.get("request")
    if request is None or serializer.parent is not None:  # lists always mask
        return False
    params = getattr(request, "query_params", request.GET)
    return (params.get("unmask") or "").lower() in ("1", "true", "yes")


class PersonalDataSerializerMixin:
    """Masks the model's ``POLICY`` fields in every response; full only with ``?unmask=1`` on one record
    for those holding the field's permission, audited. A masked value sent back unchanged keeps the
    stored one (a client may PUT what it read)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)  # type: ignore[misc]
        unmask = unmask_requested(self)
        user = getattr(self.context.get("request"), "user", None)
        shown = []
        for rule in rules_of(instance):
            if rule.field not in data or not is_personal(instance, rule.field):
                continue
            if unmask and may_unmask(user, instance, rule.field):
                shown.append(rule.field)
            else:
                data[rule.field] = masked(instance, rule.field)
        if shown:
            audit_unmask(user, instance, shown, via="api")
        return data

    def to_internal_value(self, data):
        # Before the fields' own validators (a masked phone is not a valid phone number).
        instance = getattr(self, "instance", None)
        if instance is not None and hasattr(data, "items") and not isinstance(instance, (list, tuple)):
            data = {key: data[key] for key in data}
            keep_unchanged_masks(instance, data)
        return super().to_internal_value(data)  # type: ignore[misc]


def keep_unchanged_masks(instance, values: dict[str, Any]) -> None:
    """A masked value echoed back (form or API) means "unchanged": put the stored value back."""
    for rule in rules_of(instance):
        if rule.field not in values:
            continue
        stored = getattr(instance, rule.field) or ""
        if stored and values[rule.field] == masked(instance, rule.field) and values[rule.field] != stored:
            values[rule.field] = stored


# --- Forms ---------------------------------------------------------------------------------------


class PersonalDataFormMixin:
    """An edit form shows the stored personal values masked; submitted unchanged, they are kept.

    So opening an edit page reveals nothing; typing a new value replaces the old one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # type: ignore[misc]
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return
        for rule in rules_of(instance):
            field = self.fields.get(rule.field)  # type: ignore[attr-defined]
            if field is None or not is_personal(instance, rule.field):
                continue
            self.initial[rule.field] = masked(instance, rule.field)  # type: ignore[attr-defined]
            note = _("已打码显示；不修改则保留原值，重新填写则替换")
            field.help_text = format_html("{} {}", field.help_text or "", note) if field.help_text else note

    def _post_clean(self):
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            keep_unchanged_masks(instance, self.cleaned_data)  # type: ignore[attr-defined]
        super()._post_clean()  # type: ignore[misc]


def mask_form_values(form: forms.BaseForm, instance, names: Iterable[str]) -> None:
    """For a plain (non-model) form over ``instance``: show ``names`` masked as initial values."""
    for name in names:
        if name in form.fields and is_personal(instance, name):
            form.initial[name] = masked(instance, name)


# --- Exports -------------------------------------------------------------------------------------


def export_plan(model, fields: Iterable[str], user) -> dict[str, bool]:
    """For each personal column of an export: True when the user's file carries it in full."""
    plan = {}
    for name in fields:
        rule = rule_for(model, name)
        if rule is not None:
            plan[name] = bool(user is not None and user.has_perm(rule.permission))
    return plan


def export_note(model, plan: dict[str, bool]) -> str:
    """ "个人信息：身份证号码完整、联系电话打码" for the export's audit row ("" without personal columns)."""
    if not plan:
        return ""
    parts = [
        f"{rule_for(model, name).label}{_('完整') if full else _('打码')}"  # type: ignore[union-attr]
        for name, full in plan.items()
    ]
    return str(_("；个人信息：%(parts)s") % {"parts": "、".join(parts)})


def mask_export_row(obj, fields: list[str], row: list, plan: dict[str, bool]) -> list:
    """``row`` (values in ``fields`` order) with each personal value the user may not see masked."""
    for index, name in enumerate(fields):
        if name in plan and not plan[name] and isinstance(row[index], str):
            row[index] = masked(obj, name)
    return row


class HashSearchFilter(SearchFilter):
    """DRF's ``search``, plus an exact match of the whole term on the view's ``hash_search_fields``."""

    def filter_queryset(self, request, queryset, view):
        matched = super().filter_queryset(request, queryset, view)
        fields = getattr(view, "hash_search_fields", ())
        term = " ".join(self.get_search_terms(request)).strip()
        if not fields or not term:
            return matched
        from zhifa.core.fields import hash_lookup

        condition = Q(pk__in=matched.values("pk"))
        for name in fields:
            condition |= Q(**hash_lookup(queryset.model, name, term))
        return queryset.filter(condition)
