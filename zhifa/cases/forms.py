"""One form per kind of step: the case page renders them, the API validates its request body with the
same class (``zhifa.cases.api``), so a field's rule and its Chinese message are written once."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import (
    DecisionKind,
    PartyKind,
    PaymentKind,
    PenaltyKind,
    PreservationOutcome,
    Procedure,
    ReviewItem,
    ReviewOutcome,
    SourceKind,
)
from zhifa.cases.models import ProcedureRules
from zhifa.core import personal
from zhifa.core.formfields import RecordsChoiceField
from zhifa.core.forms import DateInput
from zhifa.documents.choices import ServiceMethod

MIN_REASON = 10


class StepForm(forms.Form):
    """Base: knows the case (to scope choices) and the user."""

    def __init__(self, *args, case=None, user=None, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        phone_friendly(self)


def phone_friendly(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.DateInput):
            field.widget = DateInput()
        if isinstance(field, forms.ModelChoiceField):
            field.error_messages["invalid_choice"] = _("所选项不存在或不在您的管辖范围内")


class OpinionForm(StepForm):
    opinion = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApprovalForm(StepForm):
    outcome = forms.ChoiceField(
        label=_("结论"), choices=[("agree", _("同意")), ("disagree", _("不同意"))], widget=forms.RadioSelect
    )
    opinion = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "disagree" and len((data.get("opinion") or "").strip()) < 4:
            self.add_error("opinion", _("不同意时须写明理由"))
        return data


class ReasonForm(StepForm):
    opinion = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("至少十个字")
    )

    def clean_opinion(self):
        value = self.cleaned_data["opinion"].strip()
        if len(value) < MIN_REASON:
            raise forms.ValidationError(_("请写明理由（至少十个字）"))
        return value


def officer_choices(case):
    from zhifa.orgs.models import Officer

    if case is None:
        return Officer.objects.none()
    return Officer.objects.filter(pk__in=case.case_officers.values("officer_id")) | Officer.objects.filter(
        unit=case.board
    )


class RecordForm(StepForm):
    on = forms.DateField(label=_("日期"), initial=timezone.localdate)
    place = forms.CharField(label=_("地点"), max_length=200)
    person = forms.CharField(label=_("被询问人/当事人/见证人"), max_length=64)
    person_title = forms.CharField(label=_("身份/职务"), max_length=64, required=False)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    officers: forms.ModelMultipleChoiceField = RecordsChoiceField(label=_("执法人员"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officer_choices(self.case).distinct()

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return value

    def clean_officers(self):
        value = self.cleaned_data["officers"]
        if len(value) < 2:
            raise forms.ValidationError(_("调查取证时执法人员不得少于两人"))
        return value


class PreservationForm(StepForm):
    items = forms.CharField(label=_("登记保存物品清单"), widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label=_("保存地点"), max_length=200)
    started_on = forms.DateField(label=_("登记保存日期"), initial=timezone.localdate)
    opinion = forms.CharField(label=_("批准意见"), required=False)


class PreservationDecisionForm(StepForm):
    preservation: forms.ModelChoiceField = forms.ModelChoiceField(label=_("登记保存"), queryset=None)
    outcome = forms.ChoiceField(label=_("处理决定"), choices=PreservationOutcome.choices)
    opinion = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhifa.cases.models import Preservation

        qs = (
            Preservation.objects.filter(case=self.case, outcome="")
            if self.case
            else Preservation.objects.none()
        )
        self.fields["preservation"].queryset = qs


class ProposalForm(StepForm):
    violation_type: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("违法行为（裁量基准）"), queryset=None
    )
    decision_kind = forms.ChoiceField(label=_("处理意见"), choices=DecisionKind.choices)
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"), choices=PenaltyKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    proposed_fine = forms.DecimalField(
        label=_("拟罚款金额（元）"), min_value=Decimal("0"), max_digits=14, decimal_places=2, required=False
    )
    first_offence = forms.BooleanField(label=_("初次违法"), required=False)
    minor = forms.BooleanField(label=_("危害后果轻微"), required=False)
    corrected_in_time = forms.BooleanField(label=_("及时改正"), required=False)
    factors = forms.MultipleChoiceField(
        label=_("从重、从轻情节"), required=False, widget=forms.CheckboxSelectMultiple
    )
    deviation_reason = forms.CharField(
        label=_("偏离裁量建议的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_major = forms.BooleanField(label=_("重大复杂案件（须集体讨论）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhifa.discretion.models import Factor, ViolationType

        on = (self.case.registered_on if self.case else None) or timezone.localdate()
        types = ViolationType.objects.in_force(on) if hasattr(ViolationType.objects, "in_force") else None
        if types is None:
            from zhifa.discretion.models import Catalogue

            catalogue = Catalogue.objects.in_force(on)
            types = (
                ViolationType.objects.filter(catalogue=catalogue)
                if catalogue
                else ViolationType.objects.none()
            )
        if self.case is not None:
            types = types.filter(party=self.case.party_kind)
        self.fields["violation_type"].queryset = types
        self.fields["factors"].choices = [
            (f.code, f"{f.get_kind_display()}：{f.text}")
            for f in Factor.objects.filter(violation_type__isnull=True).order_by("kind", "code")
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("decision_kind")
        if kind == DecisionKind.PENALTY:
            kinds = data.get("penalty_kinds") or []
            if not kinds:
                self.add_error("penalty_kinds", _("给予处罚时须选择处罚种类"))
            if PenaltyKind.FINE in kinds and data.get("proposed_fine") in (None, Decimal("0")):
                self.add_error("proposed_fine", _("选择罚款时须填写拟罚款金额"))
            if PenaltyKind.FINE not in kinds and data.get("proposed_fine"):
                self.add_error("penalty_kinds", _("填写了罚款金额时处罚种类须包括罚款"))
        elif kind == DecisionKind.NO_PENALTY:
            data["penalty_kinds"] = []
            data["proposed_fine"] = None
        return data


class ReportForm(StepForm):
    investigation_report = forms.CharField(
        label=_("调查报告"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("调查经过、违法事实、证据、违反的法律条款、处罚依据和处理建议"),
    )

    def clean_investigation_report(self):
        value = self.cleaned_data["investigation_report"].strip()
        if len(value) < 20:
            raise forms.ValidationError(_("调查报告过短，请写明违法事实、证据和处理建议"))
        return value


class LegalReviewForm(StepForm):
    outcome = forms.ChoiceField(label=_("审核意见"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("审核意见说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ReviewItem:
            self.fields[f"check_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=[("pass", _("符合")), ("fail", _("存在问题"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.value}"] = forms.CharField(label=_("说明"), required=False)

    def clean(self):
        data = super().clean()
        failed = [item for item in ReviewItem if data.get(f"check_{item.value}") == "fail"]
        for item in failed:
            if not (data.get(f"note_{item.value}") or "").strip():
                self.add_error(f"note_{item.value}", _("存在问题的审核要点须写明问题"))
        outcome = data.get("outcome")
        if outcome == ReviewOutcome.APPROVE and failed:
            self.add_error("outcome", _("审核要点存在问题时不能同意"))
        if (
            outcome in (ReviewOutcome.SUPPLEMENT, ReviewOutcome.REJECT)
            and len((data.get("opinion") or "").strip()) < 4
        ):
            self.add_error("opinion", _("补充材料或不同意时须写明理由"))
        data["checklist"] = {
            item.value: {
                "result": data.get(f"check_{item.value}"),
                "note": (data.get(f"note_{item.value}") or "").strip(),
            }
            for item in ReviewItem
        }
        return data


class DiscussionForm(StepForm):
    outcome = forms.ChoiceField(
        label=_("讨论结论"),
        choices=[("agree", _("同意处理意见")), ("disagree", _("退回补充调查"))],
        widget=forms.RadioSelect,
    )
    discussion_participants = forms.CharField(label=_("参加人员"), max_length=300)
    discussion_record = forms.CharField(label=_("讨论记录"), widget=forms.Textarea(attrs={"rows": 5}))
    opinion = forms.CharField(label=_("结论性意见"), widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(StepForm):
    opinion = forms.CharField(label=_("说明"), required=False)


class StatementForm(StepForm):
    on = forms.DateField(label=_("日期"), initial=timezone.localdate)
    person = forms.CharField(label=_("陈述申辩人"), max_length=64)
    person_title = forms.CharField(label=_("身份/职务"), max_length=64, required=False)
    content = forms.CharField(label=_("陈述申辩内容"), widget=forms.Textarea(attrs={"rows": 4}))
    adopted = forms.BooleanField(label=_("理由成立，予以采纳"), required=False)
    opinion = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 2}))
    officers: forms.ModelMultipleChoiceField = RecordsChoiceField(label=_("执法人员"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officer_choices(self.case).distinct()

    def clean_officers(self):
        value = self.cleaned_data["officers"]
        if len(value) < 2:
            raise forms.ValidationError(_("执法人员不得少于两人"))
        return value


class HearingRequestForm(StepForm):
    requested_on = forms.DateField(label=_("申请日期"), initial=timezone.localdate)

    def clean_requested_on(self):
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return value


class HearingScheduleForm(StepForm):
    scheduled_for = forms.DateTimeField(label=_("举行时间"))
    place = forms.CharField(label=_("地点"), max_length=200)
    chair: forms.ModelChoiceField = forms.ModelChoiceField(label=_("听证主持人"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhifa.orgs.models import Officer

        self.fields["chair"].queryset = Officer.objects.all()


class HearingRecordForm(StepForm):
    held_on = forms.DateField(label=_("举行日期"), initial=timezone.localdate)
    record = forms.CharField(label=_("听证笔录"), widget=forms.Textarea(attrs={"rows": 6}))
    conclusion = forms.CharField(label=_("听证意见"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StepForm):
    party_waived = forms.BooleanField(label=_("当事人已书面放弃陈述申辩（听证）权利"), required=False)
    opinion = forms.CharField(label=_("负责人意见"), required=False)


class OnSpotForm(StepForm):
    served_to = forms.CharField(label=_("当场交付当事人（签收人）"), max_length=64)
    place = forms.CharField(label=_("地点"), max_length=200)
    paid_on_spot = forms.BooleanField(label=_("当场收缴罚款"), required=False)
    receipt_number = forms.CharField(label=_("罚款收据编号"), max_length=64, required=False)

    def clean(self):
        data = super().clean()
        if data.get("paid_on_spot") and not (data.get("receipt_number") or "").strip():
            self.add_error("receipt_number", _("当场收缴罚款须出具省级财政部门统一制发的罚款收据"))
        return data


class ServiceForm(StepForm):
    method = forms.ChoiceField(label=_("送达方式"), choices=ServiceMethod.choices)
    served_at = forms.DateTimeField(label=_("送达时间"), initial=timezone.now)
    place = forms.CharField(label=_("送达地点"), max_length=200, required=False)
    recipient_name = forms.CharField(label=_("受送达人"), max_length=64)
    recipient_title = forms.CharField(label=_("受送达人职务/身份"), max_length=32, required=False)
    witnesses = forms.CharField(label=_("见证人"), max_length=200, required=False)
    consent_reference = forms.CharField(label=_("电子送达确认书"), max_length=200, required=False)
    electronic_address = forms.CharField(label=_("电子送达地址"), max_length=200, required=False)
    notice_published_on = forms.DateField(label=_("公告发布日期"), required=False)

    def clean_served_at(self):
        value = self.cleaned_data["served_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("送达时间不能晚于现在"))
        return value


class PaymentForm(StepForm):
    kind = forms.ChoiceField(label=_("款项"), choices=PaymentKind.choices, initial=PaymentKind.FINE)
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    paid_on = forms.DateField(label=_("缴纳日期"), initial=timezone.localdate)
    receipt_number = forms.CharField(label=_("缴款凭证号"), max_length=64, required=False)

    def clean_paid_on(self):
        value = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("缴纳日期不能晚于今天"))
        return value


class InstalmentForm(StepForm):
    schedule = forms.CharField(
        label=_("缴纳计划"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一期：日期 金额，如 2026-12-31 5000"),
    )
    opinion = forms.CharField(label=_("批准理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_schedule(self):
        lines = [line.strip() for line in self.cleaned_data["schedule"].splitlines() if line.strip()]
        rows = []
        for number, line in enumerate(lines, 1):
            parts = line.split()
            try:
                from datetime import date

                on = date.fromisoformat(parts[0])
                amount = Decimal(parts[1])
            except (IndexError, ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("第 %(n)s 行格式应为“日期 金额”，如 2026-12-31 5000") % {"n": number}
                ) from None
            if amount <= 0:
                raise forms.ValidationError(_("第 %(n)s 行金额须大于零") % {"n": number})
            if on < timezone.localdate():
                raise forms.ValidationError(_("第 %(n)s 行日期不能早于今天") % {"n": number})
            rows.append((on, amount))
        if not rows:
            raise forms.ValidationError(_("请填写至少一期"))
        return sorted(rows)


class ExtensionForm(StepForm):
    days = forms.IntegerField(label=_("延长日数"), min_value=1, max_value=90)
    opinion = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(StepForm):
    transferred_to = forms.CharField(label=_("移送机关"), max_length=128)
    opinion = forms.CharField(label=_("移送理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_opinion(self):
        value = self.cleaned_data["opinion"].strip()
        if len(value) < MIN_REASON:
            raise forms.ValidationError(_("请写明移送理由（至少十个字）"))
        return value


# --- Creating a case -----------------------------------------------------------------------------------


class CaseForm(forms.Form):
    """A new case: from a queued source (inspection finding or hazard) or entered directly."""

    procedure = forms.ChoiceField(label=_("程序"), choices=Procedure.choices, initial=Procedure.GENERAL)
    source_kind = forms.ChoiceField(label=_("案件来源"), choices=SourceKind.choices)
    source_note = forms.CharField(
        label=_("来源说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    enterprise: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("企业"), queryset=None, required=False
    )
    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices, initial=PartyKind.UNIT)
    party_name = forms.CharField(label=_("当事人"), max_length=128, required=False)
    party_code = forms.CharField(label=_("统一社会信用代码/身份证号码"), max_length=32, required=False)
    party_address = forms.CharField(label=_("住所（地址）"), max_length=200, required=False)
    party_representative = forms.CharField(label=_("法定代表人（负责人）"), max_length=64, required=False)
    party_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    cause = forms.CharField(label=_("案由"), max_length=200)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 4}))
    officers: forms.ModelMultipleChoiceField = RecordsChoiceField(
        label=_("承办人（两名以上持证执法人员）"), queryset=None
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhifa.enterprises.models import Enterprise
        from zhifa.orgs.models import Officer

        self.user = user
        self.fields["enterprise"].queryset = (
            Enterprise.objects.restrict(user, "view") if user else Enterprise.objects.none()
        )
        self.fields["officers"].queryset = (
            Officer.objects.restrict(user, "view") if user else Officer.objects.none()
        )
        phone_friendly(self)

    def clean(self):
        data = super().clean()
        if (
            data.get("party_kind") == PartyKind.UNIT
            and not data.get("enterprise")
            and not (data.get("party_name") or "").strip()
        ):
            self.add_error("party_name", _("请选择企业或填写当事人名称"))
        if data.get("party_kind") == PartyKind.PERSON and not (data.get("party_name") or "").strip():
            self.add_error("party_name", _("请填写当事人姓名"))
        officers = data.get("officers") or []
        if officers and len(officers) < 2:
            self.add_error("officers", _("承办人不得少于两名"))
        # The enterprise's contact phone is offered masked: sent back unchanged, it stands for the number.
        enterprise = data.get("enterprise")
        if enterprise is not None and data.get("party_phone"):
            values = {"contact_phone": data["party_phone"]}
            personal.keep_unchanged_masks(enterprise, values)
            data["party_phone"] = values["contact_phone"]
        return data


# --- Evidence and the procedure's figures -----------------------------------------------------------------


class EvidenceForm(StepForm):
    """A file of evidence for the case, or an item the inspection already holds (checked by content as
    inspection evidence is: the bytes decide the format, not the name)."""

    title = forms.CharField(label=_("证据名称"), max_length=128)
    kind = forms.ChoiceField(label=_("证据种类"), choices=[])
    collected_on = forms.DateField(label=_("取证日期"), initial=timezone.localdate)
    collected_by = forms.CharField(label=_("取证人"), max_length=64, required=False)
    description = forms.CharField(
        label=_("证明对象"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    upload = forms.FileField(label=_("文件"), required=False)
    inspection_evidence: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("或选用检查中取得的证据"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhifa.inspections.choices import EvidenceKind
        from zhifa.inspections.evidence import ACCEPTED_HELP
        from zhifa.inspections.models import Evidence

        self.fields["kind"].choices = EvidenceKind.choices
        self.fields["upload"].help_text = ACCEPTED_HELP
        enterprise_id = getattr(self.case, "enterprise_id", None)
        self.fields["inspection_evidence"].queryset = (
            Evidence.objects.filter(inspection__enterprise_id=enterprise_id).order_by("-uploaded_at")
            if enterprise_id
            else Evidence.objects.none()
        )
        self.fields["inspection_evidence"].label_from_instance = lambda e: (
            f"{e.get_kind_display()} {e.original_name}（{e.uploaded_at:%Y-%m-%d}）"
        )

    def clean_collected_on(self):
        value = self.cleaned_data["collected_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("取证日期不能晚于今天"))
        return value

    def clean(self):
        from zhifa.inspections.evidence import check

        data = super().clean()
        upload, chosen = data.get("upload"), data.get("inspection_evidence")
        if upload and chosen:
            self.add_error("upload", _("请上传文件或选用检查证据，二者选一"))
        elif not upload and not chosen:
            self.add_error("upload", _("请上传证据文件或选用检查中取得的证据"))
        elif upload and data.get("kind"):
            try:
                check(upload, upload.name, data["kind"])
            except forms.ValidationError as exc:
                self.add_error("upload", exc.messages)
        return data


class ProcedureRulesForm(forms.ModelForm):
    """The configurable figures of the procedure; a change is a new row with its effective date where the
    law changes, so that decisions keep the figures in force when they were taken."""

    class Meta:
        model = ProcedureRules
        fields = [
            "effective_from",
            "source",
            "simple_max_person",
            "simple_max_unit",
            "hearing_min_person",
            "hearing_min_unit",
            "major_min_person",
            "major_min_unit",
            "surcharge_rate",
            "review_all_district_cases",
            "payment_bank",
            "review_body",
            "litigation_court",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        phone_friendly(self)

    def clean_surcharge_rate(self):
        value = self.cleaned_data["surcharge_rate"]
        if value is not None and not (Decimal("0") < value <= Decimal("0.03")):
            raise forms.ValidationError(_("加处罚款日比例应大于 0 且不超过 3%（行政处罚法第七十二条）"))
        return value
