"""Excel import and export of enterprises, officers and experts: engine, pages and commands."""

from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhifa.core import importing
from zhifa.core.choices import AuditAction
from zhifa.core.fields import hash_lookup
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_expert, make_expert_group, valid_id_number, valid_uscc
from zhifa.enterprises.io import ENTERPRISES
from zhifa.enterprises.models import Classification, Enterprise
from zhifa.experts.io import EXPERTS
from zhifa.experts.models import Expert
from zhifa.orgs.io import OFFICERS
from zhifa.orgs.models import Officer

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(BytesIO(data), read_only=True)
    rows = [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    width = len(rows[0]) if rows else 0
    return [r + (None,) * (width - len(r)) for r in rows]  # trailing empty cells are not stored


def ent(uscc, name, board="湖塘镇", industry="2614", **cells) -> list:
    """One enterprise row in the order of ENTERPRISES.titles."""
    values = {
        "统一社会信用代码": uscc,
        "企业名称": name,
        "法定代表人": "张三",
        "地址": f"{board}测试路 1 号",
        "所属板块": board,
        "国民经济行业代码": industry,
        "行业领域": "危险化学品",
        "规模": "小型",
        "重大危险源等级": "无",
        "安全生产标准化等级": "三级",
        "经营状态": "在营",
        "安全联系人": "李四",
        "联系电话": "13912345678",
        **cells,
    }
    return [values[t] for t in ENTERPRISES.titles]


def officer(id_number, name, unit="湖塘镇", post="在编执法人员", **cells) -> list:
    values = {
        "姓名": name,
        "身份证号码": id_number,
        "联系电话": "13800000001",
        "所在单位": unit,
        "岗位": post,
        "用工性质": "在编",
        "具有法律职业资格": "否",
        "法律职业资格证书编号": None,
        "在岗": "是",
        "备注": None,
        **cells,
    }
    return [values[t] for t in OFFICERS.titles]


def expert(name, uscc, groups="化工医药", **cells) -> list:
    values = {
        "姓名": name,
        "工作单位": "常州某某安全技术咨询有限公司",
        "工作单位统一社会信用代码": uscc,
        "联系电话": "13700000001",
        "职称": "高级工程师",
        "资格证书": "注册安全工程师\n一级建造师",
        "专业组": groups,
        "在库": "是",
        "备注": None,
        **cells,
    }
    return [values[t] for t in EXPERTS.titles]


def run(spec, data, user, valid_rows=False, filename="导入.xlsx"):
    return importing.run_import(spec, data, user=user, filename=filename, valid_rows=valid_rows)


def cells(result) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in result.errors}


# --- Enterprises ---------------------------------------------------------------------------------


def test_a_clean_import_creates_enterprises_classified_and_audited(world):
    a, b = valid_uscc(), valid_uscc()
    data = xlsx(
        ENTERPRISES.titles,
        [ent(a, "常州甲化工有限公司"), ent(b, "常州乙机械有限公司", "牛塘镇", "3311", 行业领域="工贸")],
    )
    result = run(ENTERPRISES, data, world.dan)
    assert result.errors == [] and result.committed
    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 0)
    first = Enterprise.objects.get(uscc=a)
    assert first.board == world.board_a and first.industry_id == "2614"
    assert (
        first.sector == "hazardous_chemicals"
        and first.scale == "small"
        and first.standardization_grade == "3"
    )
    assert Enterprise.objects.get(uscc=b).board == world.board_b
    # Saved through the service: classified by the rule in force, with its history.
    assert first.class_ruleset is not None
    assert Classification.objects.filter(enterprise=first).exists()
    assert (
        AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="enterprises.enterprise").count()
        == 2
    )
    assert "新增 2 条" in result.summary()


def test_choices_accept_the_stored_value_as_well_as_the_chinese_label(world):
    code = valid_uscc()
    row = ent(code, "常州丙化工有限公司", 行业领域="hazardous_chemicals", 规模="MEDIUM", 重大危险源等级=2)
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, [row]), world.dan)
    assert result.errors == []
    saved = Enterprise.objects.get(uscc=code)
    assert (saved.sector, saved.scale, saved.major_hazard_level) == ("hazardous_chemicals", "medium", "2")


def test_reimporting_updates_by_credit_code_instead_of_duplicating(world):
    a, b = valid_uscc(), valid_uscc()
    rows = [ent(a, "常州甲化工有限公司"), ent(b, "常州乙化工有限公司")]
    run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan)
    version = Enterprise.objects.get(uscc=a).version

    again = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Enterprise.objects.get(uscc=a).version == version  # an unchanged record is not saved again

    rows[0] = ent(a, "常州甲化工有限公司", 地址="湖塘镇新址路 8 号", 规模="中型")
    changed = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Enterprise.objects.filter(uscc__in=[a, b]).count() == 2
    updated = Enterprise.objects.get(uscc=a)
    assert (
        updated.address == "湖塘镇新址路 8 号"
        and updated.scale == "medium"
        and updated.version == version + 1
    )
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(updated.pk)).latest("id")
    assert entry.after["address"] == "湖塘镇新址路 8 号"


def test_a_file_with_bad_rows_names_each_row_and_column_and_imports_nothing(world):
    good1, good2 = valid_uscc(), valid_uscc()
    wrong_check = valid_uscc()
    wrong_check = wrong_check[:17] + ("0" if wrong_check[17] != "0" else "1")
    rows = [
        ent(good1, "常州好企业一有限公司"),  # row 2
        ent(wrong_check, "校验位错误有限公司"),  # row 3
        ent(valid_uscc(), "板块不存在有限公司", board="火星镇"),  # row 4
        ent(valid_uscc(), "行业不存在有限公司", industry="9999"),  # row 5
        ent(valid_uscc(), "缺法定代表人有限公司", 法定代表人=None),  # row 6
        ent(good2, "常州好企业二有限公司"),  # row 7
    ]
    before = Enterprise.objects.count()
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan)
    assert cells(result) == {
        (3, "统一社会信用代码"),
        (4, "所属板块"),
        (5, "国民经济行业代码"),
        (6, "法定代表人"),
    }
    reasons = {e.row: e.message for e in result.errors}
    assert "校验位错误" in reasons[3] and "第 18 位应为" in reasons[3]
    assert "火星镇" in reasons[4] and "不是已登记的板块" in reasons[4]
    assert "9999" in reasons[5] and "不存在" in reasons[5]
    assert "必填" in reasons[6]
    assert not result.committed and result.failed
    assert (result.created, result.updated) == (0, 0)
    assert Enterprise.objects.count() == before
    assert "未导入任何数据" in result.summary() and "4 行有误" in result.summary()
    assert str(result.errors[0]).startswith("第 3 行［统一社会信用代码］：")


def test_import_valid_rows_imports_the_good_rows_only(world):
    good1, good2, bad = valid_uscc(), valid_uscc(), valid_uscc()
    rows = [
        ent(good1, "好企业一有限公司"),
        ent(bad, "坏企业有限公司", industry="9999"),
        ent(good2, "好企业二有限公司"),
    ]
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan, valid_rows=True)
    assert cells(result) == {(3, "国民经济行业代码")}
    assert result.committed and not result.failed
    assert (result.created, result.skipped) == (2, 1)
    assert set(Enterprise.objects.filter(uscc__in=[good1, good2, bad]).values_list("uscc", flat=True)) == {
        good1,
        good2,
    }
    assert "跳过有误的 1 行" in result.summary()


def test_valid_rows_with_every_row_bad_imports_nothing_and_fails(world):
    result = run(
        ENTERPRISES, xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x", industry="9999")]), world.dan, True
    )
    assert result.failed and result.imported == 0


def test_model_validation_speaks_through_the_column(world):
    rows = [
        ent(valid_uscc(), "电话错误有限公司", 联系电话="12345"),
        ent(valid_uscc(), "区不是板块有限公司", board="武进区"),
    ]
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan)
    assert cells(result) == {(2, "联系电话"), (3, "所属板块")}
    assert "电话号码格式错误" in result.errors[0].message
    assert "不是板块" in result.errors[1].message


def test_a_credit_code_twice_in_one_file_is_an_error_naming_both_rows(world):
    code = valid_uscc()
    rows = [ent(code, "甲有限公司"), ent(valid_uscc(), "乙有限公司"), ent(code, "丙有限公司")]
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.dan, valid_rows=True)
    assert cells(result) == {(2, "统一社会信用代码"), (4, "统一社会信用代码")}
    messages = {e.row: e.message for e in result.errors}
    assert "第 4 行" in messages[2] and "第 2 行" in messages[4]
    assert result.created == 1 and not Enterprise.objects.filter(uscc=code).exists()


def test_a_board_officer_imports_only_rows_of_their_own_board(world):
    ours, theirs = valid_uscc(), valid_uscc()
    rows = [ent(ours, "湖塘企业有限公司"), ent(theirs, "牛塘企业有限公司", board="牛塘镇")]
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.alice)
    assert cells(result) == {(3, "所属板块")}
    assert "不在您的管辖范围内" in result.errors[0].message and "湖塘镇" in result.errors[0].message
    assert not Enterprise.objects.filter(uscc__in=[ours, theirs]).exists()

    partial = run(ENTERPRISES, xlsx(ENTERPRISES.titles, rows), world.alice, valid_rows=True)
    assert partial.created == 1
    assert Enterprise.objects.get(uscc=ours).board == world.board_a
    assert not Enterprise.objects.filter(uscc=theirs).exists()


def test_an_import_cannot_take_over_a_record_outside_the_users_jurisdiction(world):
    elsewhere = make_enterprise(world.board_b, name="牛塘原有企业有限公司")
    row = ent(elsewhere.uscc, "改名企业有限公司", board="湖塘镇")
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, [row]), world.alice)
    assert cells(result) == {(2, "统一社会信用代码")}
    assert "不在您可修改的范围内" in result.errors[0].message
    elsewhere.refresh_from_db()
    assert elsewhere.name == "牛塘原有企业有限公司" and elsewhere.board == world.board_b


def test_importing_needs_the_permission(world):
    with pytest.raises(PermissionDenied):
        run(ENTERPRISES, xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x")]), world.lily)


def test_optional_columns_missing_from_the_file_are_left_as_they_are(world):
    existing = make_enterprise(world.board_a, contact_name="王五")
    titles = [
        "统一社会信用代码",
        "企业名称",
        "法定代表人",
        "地址",
        "所属板块",
        "国民经济行业代码",
        "行业领域",
        "规模",
    ]
    row = [existing.uscc, "新名称有限公司", "张三", existing.address, "湖塘镇", "2614", "工贸", "小型"]
    result = run(ENTERPRISES, xlsx(["备注说明", *titles], [[None, *row]]), world.dan)
    assert result.errors == [] and result.updated == 1
    assert result.warnings and "备注说明" in result.warnings[0]
    existing.refresh_from_db()
    assert existing.name == "新名称有限公司" and existing.contact_name == "王五"


# --- The file itself -----------------------------------------------------------------------------


def _zip_without_workbook() -> bytes:
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    return buffer.getvalue()


def _truncated_xlsx() -> bytes:
    data = xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x")])
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        ("统一社会信用代码,企业名称\n913204,甲\n".encode(), "企业.xlsx", "不是有效的 .xlsx 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "企业.xlsx", "旧版 .xls"),
        (_zip_without_workbook(), "企业.xlsx", "不是有效的 .xlsx 文件"),
        (_truncated_xlsx(), "企业.xlsx", "文件已损坏"),
        (b"", "企业.xlsx", "文件是空的"),
        (b"a,b\n", "企业.csv", "只能导入 .xlsx"),
    ],
    ids=["csv-renamed", "xls-renamed", "zip-not-workbook", "truncated", "empty", "csv-name"],
)
def test_files_that_are_not_xlsx_workbooks_are_refused_clearly(world, content, filename, reason):
    result = run(ENTERPRISES, content, world.dan, filename=filename)
    assert reason in result.file_error
    assert result.failed and not result.committed
    assert result.summary().startswith("文件未能导入")


def test_a_macro_enabled_workbook_is_refused(world):
    data = xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x")])
    import zipfile

    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            archive.writestr(item, content)
    result = run(ENTERPRISES, buffer.getvalue(), world.dan)
    assert ".xlsm" in result.file_error


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.ZHIFA_IMPORT_MAX_BYTES = 1000
    result = run(ENTERPRISES, xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x")]), world.dan)
    assert "文件过大" in result.file_error


def test_a_wrong_header_names_the_missing_columns(world):
    data = xlsx(OFFICERS.titles, [officer(valid_id_number(), "张三")])
    result = run(ENTERPRISES, data, world.dan)
    assert "缺少必填列" in result.file_error and "统一社会信用代码" in result.file_error
    assert "找不到列标题行" in run(ENTERPRISES, xlsx(["甲", "乙"], [["1", "2"]]), world.dan).file_error
    assert "没有数据行" in run(ENTERPRISES, xlsx(ENTERPRISES.titles, []), world.dan).file_error


def test_a_title_line_above_the_header_and_empty_rows_are_tolerated(world):
    code = valid_uscc()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["武进区企业名录（2026）"])
    sheet.append(ENTERPRISES.titles)
    sheet.append([])
    sheet.append(ent(code, "有空行的企业有限公司", industry="9999"))
    buffer = BytesIO()
    workbook.save(buffer)
    result = run(ENTERPRISES, buffer.getvalue(), world.dan)
    assert cells(result) == {(4, "国民经济行业代码")}  # Excel's own row number


# --- Officers ------------------------------------------------------------------------------------


def test_officers_import_reports_a_bad_id_number_and_imports_nothing(world):
    good = valid_id_number(501)
    bad = valid_id_number(502)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    rows = [officer(good, "王一"), officer(bad, "王二")]
    result = run(OFFICERS, xlsx(OFFICERS.titles, rows), world.dan)
    assert cells(result) == {(3, "身份证号码")}
    assert "身份证号码校验位错误" in result.errors[0].message
    assert not Officer.objects.filter(**hash_lookup(Officer, "id_number", good)).exists()


def test_officers_import_creates_then_updates_by_id_number(world):
    number = valid_id_number(503)
    lower_x = number.lower()
    rows = [officer(lower_x, "王三", 具有法律职业资格="是", 法律职业资格证书编号="A20193204120001")]
    created = run(OFFICERS, xlsx(OFFICERS.titles, rows), world.albert)
    assert created.errors == [] and created.created == 1
    saved = Officer.objects.get(**hash_lookup(Officer, "id_number", number))
    assert saved.unit == world.board_a and saved.legal_qualification and saved.post == "board_officer"
    rows = [officer(number, "王三", 在岗="否", 具有法律职业资格="是", 法律职业资格证书编号="A20193204120001")]
    updated = run(OFFICERS, xlsx(OFFICERS.titles, rows), world.albert)
    assert (
        updated.updated == 1
        and Officer.objects.filter(**hash_lookup(Officer, "id_number", number)).count() == 1
    )
    saved.refresh_from_db()
    assert saved.active is False


def test_a_board_leaders_officer_export_reimports_including_seconded_officers(world):
    from zhifa.core.testing import today
    from zhifa.orgs.models import Secondment

    Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    data, count = importing.export_xlsx(OFFICERS, world.albert, {})
    names = [r[0] for r in sheet_rows(data)[1:]]
    assert "布鲁斯" in names and "鲍勃" not in names and count == len(names)
    result = run(OFFICERS, data, world.albert)
    assert result.errors == [] and result.unchanged == count
    # …but the seconded officer cannot be moved to another board, nor a new one added outside it.
    moved = [officer(world.bruce.officer.id_number, "布鲁斯", unit="牛塘镇")]
    assert cells(run(OFFICERS, xlsx(OFFICERS.titles, moved), world.albert)) == {(2, "所在单位")}
    other = [officer(valid_id_number(507), "王七", unit="武进区", post="大队执法队员")]
    assert cells(run(OFFICERS, xlsx(OFFICERS.titles, other), world.albert)) == {(2, "所在单位")}


def test_officers_board_leader_cannot_import_into_another_board_and_posts_must_fit(world):
    rows = [
        officer(valid_id_number(504), "王四", unit="牛塘镇"),
        officer(valid_id_number(505), "王五", post="大队执法队员"),
        officer(valid_id_number(506), "王六", 具有法律职业资格="是"),
    ]
    result = run(OFFICERS, xlsx(OFFICERS.titles, rows), world.albert)
    assert cells(result) == {(2, "所在单位"), (3, "岗位"), (4, "法律职业资格证书编号")}
    assert "不在您的管辖范围内" in result.errors[0].message


# --- Experts -------------------------------------------------------------------------------------


def test_experts_import_with_groups_by_name_and_updates_by_name_and_employer(world):
    code = valid_uscc()
    rows = [
        expert("赵专家", code, groups="化工医药、冶金有色"),
        expert("钱专家", valid_uscc(), groups="建材,机械电子"),
    ]
    result = run(EXPERTS, xlsx(EXPERTS.titles, rows), world.bruce)
    assert result.errors == [] and result.created == 2
    zhao = Expert.objects.get(name="赵专家", employer_uscc=code)
    assert sorted(zhao.groups.values_list("name", flat=True)) == ["冶金有色", "化工医药"]
    assert zhao.qualifications == "注册安全工程师\n一级建造师"

    rows[0] = expert("赵专家", code, groups="化工医药")
    again = run(EXPERTS, xlsx(EXPERTS.titles, rows), world.bruce)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Expert.objects.filter(name="赵专家", employer_uscc=code).count() == 1
    assert list(zhao.groups.values_list("name", flat=True)) == ["化工医药"]


def test_experts_unknown_group_and_bad_employer_code_are_reported(world):
    wrong = valid_uscc()
    wrong = wrong[:17] + ("0" if wrong[17] != "0" else "1")
    rows = [expert("孙专家", valid_uscc(), groups="化工医药、天文"), expert("李专家", wrong)]
    result = run(EXPERTS, xlsx(EXPERTS.titles, rows), world.dan)
    assert cells(result) == {(2, "专业组"), (3, "工作单位统一社会信用代码")}
    assert "天文" in result.errors[0].message and "不存在" in result.errors[0].message


# --- Export --------------------------------------------------------------------------------------


def test_export_then_reimport_round_trips_identical_values(world):
    source = [
        ent(valid_uscc(), "常州甲化工有限公司", 重大危险源等级="二级", 安全生产标准化等级="一级"),
        ent(
            valid_uscc(),
            "@常州乙企业有限公司",
            "牛塘镇",
            "3311",
            行业领域="工贸",
            安全联系人=None,
            联系电话=None,
        ),
    ]
    assert run(ENTERPRISES, xlsx(ENTERPRISES.titles, source), world.dan).created == 2
    data, count = importing.export_xlsx(ENTERPRISES, world.dan, {"q": "有限公司"})
    exported = sheet_rows(data)
    assert exported[0] == tuple(ENTERPRISES.titles)
    assert count == 2
    by_code = {r[0]: r for r in exported[1:]}
    for row in source:
        expected = tuple(row)
        got = by_code[row[0]]
        if row[1].startswith("@"):
            assert got[1] == "'" + row[1]  # formula injection guarded in the file…
            got = (got[0], row[1], *got[2:])
        assert got == expected
    again = run(ENTERPRISES, data, world.dan)
    assert again.errors == [] and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Enterprise.objects.get(uscc=source[1][0]).name == "@常州乙企业有限公司"  # …and undone on import


def test_officer_and_expert_exports_reimport_cleanly(world):
    make_expert([make_expert_group()], name="周专家")
    for spec, user in ((OFFICERS, world.dan), (EXPERTS, world.dan)):
        data, count = importing.export_xlsx(spec, user, {})
        assert count == spec.model.objects.count() > 0
        result = run(spec, data, user)
        assert result.errors == [], result.errors
        assert result.unchanged == count and result.created == result.updated == 0


def test_export_holds_only_the_users_jurisdiction_and_the_list_filters(world):
    ours = make_enterprise(world.board_a, name="湖塘导出企业有限公司", sector="hazardous_chemicals")
    other = make_enterprise(world.board_a, name="湖塘工贸企业有限公司")
    theirs = make_enterprise(world.board_b, name="牛塘导出企业有限公司")
    names = [r[1] for r in sheet_rows(importing.export_xlsx(ENTERPRISES, world.alice, {})[0])[1:]]
    assert ours.name in names and other.name in names and theirs.name not in names
    filtered = importing.export_xlsx(ENTERPRISES, world.dan, {"sector": "hazardous_chemicals"})[0]
    assert [r[1] for r in sheet_rows(filtered)[1:]] == [ours.name]


def test_export_runs_a_constant_number_of_queries(world):
    def queries(spec):
        with CaptureQueriesContext(connection) as ctx:
            importing.export_xlsx(spec, world.dan, {})
        return len(ctx.captured_queries)

    group = make_expert_group()
    make_enterprise(world.board_a)
    make_expert([group])
    few = {spec.kind: queries(spec) for spec in (ENTERPRISES, OFFICERS, EXPERTS)}
    for _ in range(5):
        make_enterprise(world.board_b)
        make_expert([group])
    many = {spec.kind: queries(spec) for spec in (ENTERPRISES, OFFICERS, EXPERTS)}
    assert few == many


def test_export_needs_the_permission(world):
    with pytest.raises(PermissionDenied):
        importing.export_xlsx(EXPERTS, world.alice, {})
    with pytest.raises(PermissionDenied):
        importing.export_xlsx(OFFICERS, world.bruce, {})


def test_the_template_carries_the_header_and_the_instructions():
    workbook = load_workbook(BytesIO(importing.template_xlsx(ENTERPRISES)), read_only=True)
    assert [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)] == [
        tuple(ENTERPRISES.titles)
    ]
    notes = [r[0] for r in workbook.worksheets[1].iter_rows(values_only=True) if r]
    assert "统一社会信用代码" in notes and any("再次导入" in (n or "") for n in notes)
    workbook.close()


# --- Audit ---------------------------------------------------------------------------------------


def test_each_import_and_export_writes_one_summary_row(world):
    start = AuditEntry.objects.order_by("-id").first().pk
    run(
        ENTERPRISES,
        xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "审计企业有限公司")]),
        world.dan,
        filename="a.xlsx",
    )
    run(ENTERPRISES, xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x", industry="9999")]), world.dan)
    run(ENTERPRISES, b"not a workbook", world.dan)
    importing.export_xlsx(ENTERPRISES, world.dan, {"sector": "industry_trade"})
    imports = list(AuditEntry.objects.filter(pk__gt=start, action=AuditAction.IMPORT).order_by("id"))
    assert len(imports) == 3
    assert imports[0].username == "dan" and imports[0].object_repr == "a.xlsx"
    assert imports[0].after["created"] == 1 and imports[0].after["committed"] is True
    assert imports[1].after["errors"] == 1 and imports[1].after["committed"] is False
    assert "未导入任何数据" in imports[1].message
    assert imports[2].after["file_error"]
    (export,) = AuditEntry.objects.filter(pk__gt=start, action=AuditAction.EXPORT)
    assert export.object_type == "enterprises.enterprise" and export.after["filters"] == {
        "sector": "industry_trade"
    }
    assert "导出企业" in export.message


# --- Command line --------------------------------------------------------------------------------


def test_the_import_command_acts_as_the_user_and_reports_in_chinese(world, tmp_path):
    path = tmp_path / "企业.xlsx"
    code = valid_uscc()
    path.write_bytes(xlsx(ENTERPRISES.titles, [ent(code, "命令行企业有限公司")]))
    out = StringIO()
    call_command("import", "enterprises", str(path), "--user", "alice", stdout=out)
    assert "导入完成" in out.getvalue() and "新增 1 条" in out.getvalue()
    created = AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="enterprises.enterprise"
    ).latest("id")
    assert created.username == "alice" and created.source == "cli"
    summary = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("id")
    assert summary.username == "alice" and summary.source == "cli"


def test_the_import_command_fails_when_nothing_was_imported(world, tmp_path):
    path = tmp_path / "企业.xlsx"
    path.write_bytes(xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "牛塘企业有限公司", board="牛塘镇")]))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "enterprises", str(path), "--user", "alice", stdout=out)
    assert raised.value.returncode == 1 and "未导入任何数据" in str(raised.value)
    assert "第 2 行［所属板块］" in out.getvalue()
    # From the shell: a non-zero exit status.
    command = load_command_class("zhifa.core", "import")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["zhifa", "import", "enterprises", str(path), "--user", "alice"])
    assert exited.value.code == 1


def test_the_import_command_with_valid_rows_exits_normally(world, tmp_path):
    path = tmp_path / "企业.xlsx"
    rows = [ent(valid_uscc(), "湖塘企业有限公司"), ent(valid_uscc(), "牛塘企业有限公司", board="牛塘镇")]
    path.write_bytes(xlsx(ENTERPRISES.titles, rows))
    out = StringIO()
    call_command("import", "enterprises", str(path), "--user", "alice", "--valid-rows", stdout=out)
    assert "新增 1 条" in out.getvalue() and "跳过有误的 1 行" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["companies", "{file}", "--user", "dan"], "KIND"),
        (["enterprises", "{missing}", "--user", "dan"], "FILE"),
        (["enterprises", "{file}", "--user", "nobody"], "--user"),
        (["enterprises", "{file}"], "--user"),
        (["experts", "{file}", "--user", "alice"], "无权导入专家"),
    ],
)
def test_the_import_command_names_a_bad_argument(world, tmp_path, args, named):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx(ENTERPRISES.titles, [ent(valid_uscc(), "x")]))
    args = [a.format(file=path, missing=tmp_path / "不存在.xlsx") for a in args]
    with pytest.raises(CommandError) as raised:
        call_command("import", *args, stdout=StringIO())
    assert named in str(raised.value)


def test_the_export_command_writes_the_users_records(world, tmp_path):
    make_enterprise(world.board_a, name="湖塘命令导出有限公司")
    make_enterprise(world.board_b, name="牛塘命令导出有限公司")
    path = tmp_path / "导出.xlsx"
    out = StringIO()
    call_command("export", "enterprises", str(path), "--user", "alice", stdout=out)
    names = [r[1] for r in sheet_rows(path.read_bytes())[1:]]
    assert "湖塘命令导出有限公司" in names and "牛塘命令导出有限公司" not in names
    assert "已导出企业" in out.getvalue()
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.username == "alice" and entry.source == "cli"
    with pytest.raises(CommandError, match="无权导出专家"):
        call_command("export", "experts", str(path), "--user", "alice")


# --- Pages ---------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "企业.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_the_import_page_uploads_and_shows_the_counts(world, web):
    client = web(world.alice)
    url = reverse("io:enterprise_import")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "导入企业" in text and reverse("io:enterprise_template") in text and "统一社会信用代码" in text
    code = valid_uscc()
    response = client.post(
        url, {"file": upload(xlsx(ENTERPRISES.titles, [ent(code, "网页导入企业有限公司")]))}
    )
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert Enterprise.objects.filter(uscc=code, board=world.board_a).exists()
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("id")
    assert entry.username == "alice" and entry.source == "web"


def test_the_import_page_lists_errors_by_row_and_column(world, web):
    client = web(world.alice)
    rows = [ent(valid_uscc(), "湖塘企业有限公司"), ent(valid_uscc(), "牛塘企业有限公司", board="牛塘镇")]
    response = client.post(reverse("io:enterprise_import"), {"file": upload(xlsx(ENTERPRISES.titles, rows))})
    text = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in text and "<td>3</td><td>所属板块</td>" in text
    assert Enterprise.objects.filter(name__in=["湖塘企业有限公司", "牛塘企业有限公司"]).count() == 0
    response = client.post(
        reverse("io:enterprise_import"),
        {"file": upload(xlsx(ENTERPRISES.titles, rows)), "import_valid_rows": "on"},
    )
    assert "新增 1 条" in response.content.decode()
    assert Enterprise.objects.filter(name="湖塘企业有限公司").count() == 1


def test_the_import_page_refuses_a_renamed_file_with_a_chinese_message(world, web):
    client = web(world.dan)
    renamed = "姓名,身份证号码\n张三,320412198501010011\n".encode()
    response = client.post(reverse("io:officer_import"), {"file": upload(renamed, "人员.xlsx")})
    assert response.status_code == 200
    assert "该文件不是有效的 .xlsx 文件" in response.content.decode()
    response = client.post(reverse("io:officer_import"), {"file": upload(b"PK\x03\x04 broken", "人员.xlsx")})
    assert response.status_code == 200 and "文件已损坏" in response.content.decode()
    assert Officer.objects.filter(name="张三").count() == 0


def test_pages_need_their_permissions(world, web):
    assert web(world.lily).get(reverse("io:enterprise_import")).status_code == 403
    assert web(world.alice).get(reverse("io:officer_import")).status_code == 403
    assert web(world.alice).get(reverse("io:expert_export")).status_code == 403
    assert web(world.bruce).get(reverse("io:officer_export")).status_code == 403
    assert web(None).get(reverse("io:enterprise_export")).status_code == 302


def test_export_and_template_downloads(world, web):
    make_enterprise(world.board_a, name="湖塘网页导出有限公司")
    make_enterprise(world.board_b, name="牛塘网页导出有限公司")
    client = web(world.alice)
    response = client.get(reverse("io:enterprise_export"), {"q": "网页导出"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert [r[1] for r in sheet_rows(response.content)[1:]] == ["湖塘网页导出有限公司"]
    for name in ("enterprise", "officer", "expert"):
        user = world.dan
        template = web(user).get(reverse(f"io:{name}_template"))
        assert template.status_code == 200 and template["Content-Type"] == XLSX
        spec = importing.get_spec(name + "s")
        assert sheet_rows(template.content) == [tuple(spec.titles)]


def test_formula_cells_are_neutralised_on_export():
    """A name typed as a formula (=HYPERLINK…, +cmd, -1+1, @SUM) reaches Excel as text, never as a formula."""
    from io import BytesIO

    from openpyxl import load_workbook

    from zhifa.core.xlsx import xlsx_bytes

    hostile = ['=HYPERLINK("http://evil","点击")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1,1)"]
    data = xlsx_bytes(
        ["名称", "数量"], [[value, 3] for value in hostile] + [["常州湖塘五金制品有限公司", -2]]
    )
    sheet = load_workbook(BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * 5
    assert [cell.value for cell in cells[:4]] == ["'" + value for value in hostile]
    assert cells[4].value == "常州湖塘五金制品有限公司"
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [3, 3, 3, 3, -2]  # numbers stay numbers
