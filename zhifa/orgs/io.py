"""Officers in Excel: columns for import, export and the blank template.

An existing officer is recognised by the 身份证号码 (unique; normalised, a trailing x is read as X):
importing a row whose number is already registered updates that officer. Certificates, secondments
and pairings are not part of the file; they are kept in the system.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from zhifa.core.crypto import HASH_ID_NUMBER, search_hash
from zhifa.core.importing import IN_CHUNK, Boolean, Choice, Column, ImportSpec, RegionRef, Text
from zhifa.core.validators import normalize_id_number
from zhifa.orgs.choices import Employment, Post
from zhifa.orgs.models import Officer

ID_HELP = gettext_lazy("18 位，末位可为 X（小写 x 自动转为大写）")


class OfficerSpec(ImportSpec):
    kind = "officers"
    name = "officer"
    model = Officer
    key_fields = ("id_number",)
    board_field = "unit"
    import_permission = "orgs.import_officer"
    # The file carries full ID numbers and phones: exporting needs the right to see them too.
    export_permissions = ("orgs.export_officer", "orgs.view_personal_data")
    list_url_name = "orgs:officer_list"
    filterset = "zhifa.orgs.filtersets.OfficerFilterSet"
    search_fields = ("name__icontains", "unit__name__icontains")
    select_related = ("unit",)
    key_help = gettext_lazy("以“身份证号码”识别已登记的人员：再次导入同一人员会更新其信息，不会重复新增。")

    def find_existing(self, keys: list[tuple]) -> dict[tuple, Any]:
        """Officers by ID number, looked up through its keyed hash (the column is encrypted)."""
        by_hash = {search_hash(HASH_ID_NUMBER, k[0]): k for k in keys}
        found: dict[tuple, Any] = {}
        hashes = sorted(by_hash)
        for start in range(0, len(hashes), IN_CHUNK):
            chunk = hashes[start : start + IN_CHUNK]
            for obj in self.base_queryset().filter(id_number_hash__in=chunk):
                found[(obj.id_number,)] = obj
        return found

    columns = (
        Column("姓名", "name", Text(), True),
        Column("身份证号码", "id_number", Text(normalize_id_number, help=ID_HELP), True),
        Column("联系电话", "phone", Text(help=gettext_lazy("11 位手机号或带区号的固定电话"))),
        Column("所在单位", "unit", RegionRef(boards_only=False), True),
        Column("岗位", "post", Choice(Post), True),
        Column("用工性质", "employment", Choice(Employment)),
        Column("具有法律职业资格", "legal_qualification", Boolean()),
        Column("法律职业资格证书编号", "legal_qualification_number", Text()),
        Column("在岗", "active", Boolean()),
        Column("备注", "note", Text()),
    )


OFFICERS = OfficerSpec()
