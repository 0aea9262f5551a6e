"""Forms of the inspection pages. They collect input; the rules are applied by ``services``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import DateInput, ScopedModelForm
from zhifa.core.permissions import is_district_wide
from zhifa.core.personal import PersonalDataFormMixin
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import ExpertGroup
from zhifa.inspections.choices import (
    EvidenceKind,
    HazardStatus,
    InspectionOrigin,
    ItemResult,
    ReviewOutcome,
)
from zhifa.inspections.evidence import ACCEPTED_HELP
from zhifa.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    Inspection,
    ReInspection,
)
from zhifa.inspections.services import HAZARD_TRANSITIONS
from zhifa.orgs.choices import EquipmentKind, Post, RegionKind
from zhifa.orgs.models import Equipment, Officer, Pairing, Secondment


def default_deadline(level: str, start: date | None = None) -> date:
    """The deadline proposed for a hazard of ``level``: settings ``ZHIFA_RECTIFICATION_DEFAULT_DAYS``."""
    days = settings.ZHIFA_RECTIFICATION_DEFAULT_DAYS[level]
    return (start or timezone.localdate()) + timedelta(days=int(days))


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Officers with their unit and whether they hold a certificate valid on the day."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        label = f"{obj.name}（{obj.unit}）"
        if getattr(obj, "certified", True) is False:
            label += "：" + str(_("无有效执法证"))
        return label


def suited_checklist(enterprise) -> ChecklistTemplate | None:
    """The latest published checklist of the enterprise's expert group, else the general one."""
    latest = ChecklistTemplate.objects.latest_published().order_by("code")
    groups = [g.pk for g in ExpertGroup.objects.all() if g.covers(enterprise.industry_id)]
    if groups:
        suited = latest.filter(expert_group__in=groups).first()
        if suited is not None:
            return suited
    return latest.filter(expert_group__isnull=True).first()


def team_candidates(board, user, on: date, *, cross_enforcement: bool, include=()):
    """Officers one may put on a team in ``board`` on ``on``: the board's own, brigade officers seconded
    or paired to it; for district users the brigade; for cross-enforcement everyone. Whether each
    counts is the domain rule's question (``services.check_team``); the list marks who holds a
    certificate valid that day."""
    active_here = Q(
        Exists(Secondment.objects.active_on(on).filter(officer=OuterRef("pk"), region=board))
    ) | Q(Exists(Pairing.objects.active_on(on).filter(officer=OuterRef("pk"), region=board)))
    where = Q(unit=board) | active_here | Q(pk__in=list(include))
    if cross_enforcement:
        where |= Q(pk__isnull=False)
    elif is_district_wide(user):
        where |= Q(unit__kind=RegionKind.DISTRICT)
    return (
        Officer.objects.filter(active=True)
        .exclude(post=Post.SAFETY_MANAGER)
        .filter(where)
        .with_certified(on)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code", "name")
    )


# --- Starting an inspection ------------------------------------------------------------------------


class StartInspectionForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("被检查单位"), queryset=Enterprise.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    origin = forms.ChoiceField(label=_("检查类型"), choices=InspectionOrigin.choices, initial="ad_hoc")
    cross_enforcement = forms.BooleanField(
        label=_("交叉执法（区级安排，其他板块执法人员可参加）"), required=False
    )

    def __init__(self, *args, user, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].label_from_instance = lambda e: f"{e.name}（{e.uscc}，{e.board}）"
        self.fields["enterprise"].error_messages["invalid_choice"] = _("所选企业不存在或不在您的管辖范围内")
        if not is_district_wide(user):
            del self.fields["cross_enforcement"]

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise")
        if enterprise is not None:
            data["checklist"] = suited_checklist(enterprise)
            if data["checklist"] is None:
                raise forms.ValidationError(_("没有已发布的检查表，请联系区局发布检查表"))
        return data


# --- The draft record ------------------------------------------------------------------------------


class InspectionForm(PersonalDataFormMixin, forms.ModelForm):
    """The record's header and team. Saved together with the checklist results by the draft view."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    officers = OfficerMultipleChoiceField(label=_("执法人员（至少两名持证）"), queryset=None, required=False)

    class Meta:
        model = Inspection
        fields = [
            "origin",
            "cross_enforcement",
            "started_at",
            "ended_at",
            "place",
            "onsite_person_name",
            "onsite_person_title",
            "onsite_person_phone",
            "expert",
            "assistants",
            "recorder",
            "findings",
        ]
        widgets = {
            "started_at": DateTimeLocalInput(),
            "ended_at": DateTimeLocalInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "assistants": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        inspection = self.instance
        board = inspection.board
        on = inspection.inspection_date or timezone.localdate()
        cross = inspection.cross_enforcement
        if self.is_bound and is_district_wide(user):
            cross = bool(self.data.get(self.add_prefix("cross_enforcement")))
        current = list(inspection.team.values_list("officer_id", flat=True))
        self.fields["officers"].queryset = team_candidates(
            board, user, on, cross_enforcement=cross, include=current
        )
        self.fields["officers"].initial = current
        self.fields["version"].initial = inspection.version
        if not is_district_wide(user):
            # Only the district arranges cross enforcement; the box shows its state, read-only.
            self.fields["cross_enforcement"].disabled = True
        self.fields["assistants"].queryset = Officer.objects.filter(
            unit=board, post=Post.SAFETY_MANAGER, active=True
        ).order_by("name")
        self.fields["assistants"].label_from_instance = lambda o: o.name
        self.fields["recorder"].queryset = Equipment.objects.filter(
            unit=board, kind=EquipmentKind.RECORDER
        ).order_by("serial_number")
        self.fields["recorder"].label_from_instance = lambda e: e.serial_number
        experts = self.fields["expert"].queryset.filter(active=True)
        if inspection.checklist.expert_group_id:
            experts = experts.filter(groups=inspection.checklist.expert_group_id)
        self.fields["expert"].queryset = experts.order_by("name")
        self.fields["onsite_person_phone"].widget.attrs.update({"inputmode": "tel"})
        for name in ("place", "onsite_person_name", "onsite_person_title", "onsite_person_phone"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("检查结束时间不能早于开始时间"))
        return data


class HazardForm(forms.ModelForm):
    """One hazard registered on the draft: for a 不符合 item (prefilled from it) or a free finding."""

    class Meta:
        model = Hazard
        fields = ["description", "level", "deadline", "responsible_person"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "deadline": DateInput()}

    def __init__(self, *args, item: ChecklistItem | None = None, **kwargs):
        if item is not None:
            kwargs.setdefault("initial", {"description": item.text, "level": item.hazard_level})
        super().__init__(*args, **kwargs)
        self.fields["deadline"].required = False
        self.fields["deadline"].help_text = _("可在下达整改指令时再定")


def results_from(data, rows) -> dict[int, tuple[str, str]]:
    """{item_id: (result, note)} from the posted ``result-<item>`` and ``note-<item>`` fields."""
    posted = {}
    for row in rows:
        key = f"result-{row.item_id}"
        if key in data or f"note-{row.item_id}" in data:
            posted[row.item_id] = (data.get(key, ""), data.get(f"note-{row.item_id}", "").strip()[:300])
    return posted


# --- Evidence --------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class EvidenceUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=EvidenceKind.choices, initial=EvidenceKind.PHOTO)
    # Named as the pages' <input name="files">; Form.files (the request's uploads) is an attribute of the
    # bound instance, this is the declared field (moved into base_fields by Django's metaclass).
    files = MultipleFileField(label=_("文件"), help_text=ACCEPTED_HELP)  # type: ignore[assignment]
    recorder = forms.ModelChoiceField(
        label=_("执法记录仪"), queryset=Equipment.objects.none(), required=False
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        if board is not None:
            self.fields["recorder"].queryset = Equipment.objects.filter(
                unit=board, kind=EquipmentKind.RECORDER
            ).order_by("serial_number")
        self.fields["recorder"].label_from_instance = lambda e: e.serial_number


# --- Hazards ---------------------------------------------------------------------------------------


class MoveHazardForm(forms.Form):
    to_status = forms.ChoiceField(label=_("变更为"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, hazard: Hazard, **kwargs):
        super().__init__(*args, **kwargs)
        # Closing (销号) is reached only through a signed re-inspection, never from this form.
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            (to, HazardStatus(to).label)
            for (frm, to) in HAZARD_TRANSITIONS
            if frm == hazard.status and to != HazardStatus.CLOSED
        ]


class ReferForm(forms.Form):
    description = forms.CharField(
        label=_("违法事实摘要"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Rectification ---------------------------------------------------------------------------------


class RectificationForm(forms.Form):
    """One checkbox and one deadline per open hazard of the inspection."""

    def __init__(self, *args, hazards, **kwargs):
        super().__init__(*args, **kwargs)
        self.hazards = list(hazards)
        for hazard in self.hazards:
            self.fields[f"pick-{hazard.pk}"] = forms.BooleanField(
                label=hazard.description, required=False, initial=not hazard.already_ordered
            )
            self.fields[f"deadline-{hazard.pk}"] = forms.DateField(
                label=_("整改期限"),
                required=False,
                widget=DateInput(),
                initial=hazard.deadline or default_deadline(hazard.level),
            )

    def rows(self):
        for hazard in self.hazards:
            yield hazard, self[f"pick-{hazard.pk}"], self[f"deadline-{hazard.pk}"]

    def clean(self):
        data = super().clean()
        deadlines = {}
        for hazard in self.hazards:
            if data.get(f"pick-{hazard.pk}"):
                when = data.get(f"deadline-{hazard.pk}")
                if when is None:
                    self.add_error(f"deadline-{hazard.pk}", _("请填写整改期限"))
                deadlines[hazard.pk] = when
        if not deadlines:
            raise forms.ValidationError(_("请至少选择一项隐患"))
        data["deadlines"] = deadlines
        return data


class ExtensionRequestForm(forms.Form):
    hazards = forms.ModelMultipleChoiceField(
        label=_("申请延期的隐患"), queryset=Hazard.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    requested_deadline = forms.DateField(label=_("申请延期至"), widget=DateInput())
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}))
    applicant = forms.CharField(label=_("申请人（企业负责人）"), max_length=64)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazards"].queryset = order.hazards.exclude(status=HazardStatus.CLOSED).order_by("pk")
        self.fields["hazards"].label_from_instance = lambda h: f"{h.description}（{h.deadline or '—'}）"


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结论"),
        choices=[("1", _("批准延期")), ("0", _("不予批准"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 3}))


# --- Re-inspection ---------------------------------------------------------------------------------


class ReInspectionForm(forms.ModelForm):
    officers = OfficerMultipleChoiceField(label=_("复查人员（至少两名持证）"), queryset=None, required=False)

    class Meta:
        model = ReInspection
        fields = ["inspected_at", "opinion"]
        widgets = {"inspected_at": DateTimeLocalInput(), "opinion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        review = self.instance
        on = timezone.localdate(review.inspected_at) if review.inspected_at else timezone.localdate()
        current = list(review.officers.values_list("pk", flat=True))
        self.fields["officers"].queryset = team_candidates(
            review.board, user, on, cross_enforcement=False, include=current
        )
        self.fields["officers"].initial = current
        self.outcomes = list(outcomes)
        for outcome in self.outcomes:
            pk = outcome.pk
            self.fields[f"outcome-{pk}"] = forms.ChoiceField(
                label=_("复查结论"),
                choices=ReviewOutcome.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=outcome.outcome,
            )
            self.fields[f"new_deadline-{pk}"] = forms.DateField(
                label=_("新的整改期限"),
                required=False,
                widget=DateInput(),
                initial=outcome.new_deadline or default_deadline(outcome.hazard.level),
            )
            self.fields[f"note-{pk}"] = forms.CharField(
                label=_("复查情况"), max_length=300, required=False, initial=outcome.note
            )

    def rows(self):
        for outcome in self.outcomes:
            pk = outcome.pk
            yield outcome, self[f"outcome-{pk}"], self[f"new_deadline-{pk}"], self[f"note-{pk}"]

    def save_outcomes(self) -> None:
        for outcome in self.outcomes:
            pk = outcome.pk
            values = (
                self.cleaned_data.get(f"outcome-{pk}") or "",
                self.cleaned_data.get(f"new_deadline-{pk}"),
                self.cleaned_data.get(f"note-{pk}") or "",
            )
            if values != (outcome.outcome, outcome.new_deadline, outcome.note):
                outcome.outcome, outcome.new_deadline, outcome.note = values
                outcome.save(update_fields=["outcome", "new_deadline", "note"])


# --- Checklists ------------------------------------------------------------------------------------


class ChecklistTemplateForm(ScopedModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["code", "name", "expert_group", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


ChecklistItemFormSet = forms.inlineformset_factory(
    ChecklistTemplate,
    ChecklistItem,
    fields=["order", "section", "text", "legal_basis", "major_basis", "default_level"],
    extra=3,
    can_delete=False,
)

ITEM_RESULT_CHOICES = [c for c in ItemResult.choices if c[0]]
