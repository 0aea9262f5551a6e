"""REST representation of case-file reviews. Scores are written through ``zhifa.reviews.services``,
validated by the page's own form (``zhifa.reviews.forms.ScoreForm``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.reviews import services
from zhifa.reviews.choices import RoundStatus
from zhifa.reviews.models import ReviewAssignment, ReviewRound, RubricItem


class RubricItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricItem
        fields = ["code", "kind", "title", "max_points", "description"]
        read_only_fields = fields


class BoardResultSerializer(serializers.Serializer):
    board = serializers.IntegerField(source="board.pk", label=_("板块编号"))
    board_name = serializers.CharField(source="board.name", label=_("板块"))
    files = serializers.IntegerField(label=_("抽取案卷"))
    scored = serializers.IntegerField(label=_("已评分"))
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, label=_("平均分"))
    vetoes = serializers.IntegerField(label=_("否决件数"))
    passed = serializers.IntegerField(label=_("合格件数"))
    rank = serializers.IntegerField(allow_null=True, label=_("名次"))


class AwardSerializer(serializers.Serializer):
    award = serializers.CharField(label=_("奖项代码"))
    award_name = serializers.CharField(source="label", label=_("奖项"))
    assignment = serializers.IntegerField(source="assignment.pk", label=_("评查案卷编号"))
    board_name = serializers.CharField(source="assignment.board.name", label=_("板块"))
    registration_number = serializers.CharField(
        source="assignment.case.registration_number", label=_("立案编号")
    )
    party_name = serializers.CharField(source="assignment.case.party_name", label=_("当事人"))
    total = serializers.DecimalField(
        source="assignment.total", max_digits=5, decimal_places=1, label=_("总分")
    )


class ReviewRoundSerializer(serializers.ModelSerializer):
    """A round with its draw (commitment, candidates hash, result hash, revealed seed) and, when the user
    may read them, the board results (ranked) and a contest's awards — a board only its own rows."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("类型名称"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    rubric_name = serializers.CharField(source="rubric.__str__", read_only=True, label=_("评查标准"))
    organiser_name = serializers.CharField(
        source="organiser.get_full_name", read_only=True, label=_("组织者")
    )
    results = serializers.SerializerMethodField(label=_("板块结果"))
    awards = serializers.SerializerMethodField(label=_("获奖案卷"))

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "period_start",
            "period_end",
            "per_board",
            "rubric",
            "rubric_name",
            "organiser_name",
            "algorithm",
            "commitment",
            "committed_at",
            "candidates_hash",
            "result_hash",
            "seed_hex",
            "revealed_at",
            "finished_on",
            "results",
            "awards",
        ]
        read_only_fields = fields

    def _scope(self, obj):
        user = self.context["request"].user
        if is_district_wide(user):
            return True, None
        return obj.status == RoundStatus.FINISHED, set(board_ids(user))

    @extend_schema_field(BoardResultSerializer(many=True))
    def get_results(self, obj) -> list[dict]:
        show, boards = self._scope(obj)
        if not show:
            return []
        rows = services.results(obj, boards, assignments=obj.assignments.all())
        return list(BoardResultSerializer(rows, many=True).data)

    @extend_schema_field(AwardSerializer(many=True))
    def get_awards(self, obj) -> list[dict]:
        show, boards = self._scope(obj)
        if not show:
            return []
        rows = services.awards(obj, boards, assignments=obj.assignments.all())
        return list(AwardSerializer(rows, many=True).data)


class ReviewAssignmentSerializer(serializers.ModelSerializer):
    """A file assigned to the current user: the case, the pre-check findings, the rubric's items (the
    codes the score is posted with) and the current score."""

    round_name = serializers.CharField(source="round.name", read_only=True, label=_("评审"))
    round_status = serializers.CharField(source="round.status", read_only=True, label=_("评审状态"))
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块"))
    registration_number = serializers.CharField(
        source="case.registration_number", read_only=True, label=_("立案编号")
    )
    party_name = serializers.CharField(source="case.party_name", read_only=True, label=_("当事人"))
    cause = serializers.CharField(source="case.cause", read_only=True, label=_("案由"))
    decided_on = serializers.DateField(source="case.decided_on", read_only=True, label=_("决定日期"))
    fine_amount = serializers.DecimalField(
        source="case.fine_amount", max_digits=14, decimal_places=2, read_only=True, label=_("罚款金额")
    )
    closed_on = serializers.DateField(source="case.closed_on", read_only=True, label=_("结案日期"))
    case_file_url = serializers.SerializerMethodField(label=_("电子卷宗（PDF）"))
    items = RubricItemSerializer(source="round.rubric.items", many=True, read_only=True, label=_("评查项目"))
    pass_mark = serializers.DecimalField(
        source="round.rubric.pass_mark", max_digits=5, decimal_places=1, read_only=True, label=_("合格分")
    )

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "round",
            "round_name",
            "round_status",
            "position",
            "case",
            "board",
            "board_name",
            "registration_number",
            "party_name",
            "cause",
            "decided_on",
            "fine_amount",
            "closed_on",
            "case_file_url",
            "status",
            "findings",
            "prechecked_at",
            "items",
            "pass_mark",
            "version",
            "points",
            "total",
            "vetoed",
            "passed",
        ]
        read_only_fields = fields

    def get_case_file_url(self, obj) -> str:
        url = reverse("reviews:assignment_case_file", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
