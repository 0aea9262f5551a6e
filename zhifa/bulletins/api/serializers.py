"""REST representation of bulletins: the list without the figures, a bulletin with its snapshot."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.bulletins.models import Bulletin


def _name(user) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


class BulletinSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField(label=_("月份"))
    title = serializers.CharField(source="__str__", read_only=True, label=_("标题"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    generated_by = serializers.SerializerMethodField(label=_("生成人"))
    approved_by = serializers.SerializerMethodField(label=_("审定人"))
    published_by = serializers.SerializerMethodField(label=_("发布人"))
    pdf_url = serializers.SerializerMethodField(label=_("PDF 下载地址"))

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "month",
            "title",
            "status",
            "status_display",
            "version",
            "generated_at",
            "generated_by",
            "approved_at",
            "approved_by",
            "published_at",
            "published_by",
            "pdf_sha256",
            "pdf_size",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_month(self, obj) -> str:
        return obj.label

    def get_generated_by(self, obj) -> str | None:
        return _name(obj.generated_by)

    def get_approved_by(self, obj) -> str | None:
        return _name(obj.approved_by)

    def get_published_by(self, obj) -> str | None:
        return _name(obj.published_by)

    def get_pdf_url(self, obj) -> str | None:
        if not obj.pdf_sha256:
            return None
        return reverse("bulletin-pdf", args=[obj.pk])


class BulletinDetailSerializer(BulletinSerializer):
    figures = serializers.SerializerMethodField(label=_("数据快照"))

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DictField(help_text="各板块及全区的各项数据、排名、趋势（见 docs/bulletin.md）")
    )
    def get_figures(self, obj) -> dict:
        return obj.figures


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(label=_("月份"), help_text=_("YYYY-MM，如 2026-11"), max_length=7)
