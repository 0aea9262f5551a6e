"""A month of enforcement activity in every board of the demo, made through the real services.

For each of 武进区's 14 boards (copy 1 of the demo) about a dozen on-site inspections in the last 30 days:
two or three officers holding certificates valid on the day (the board's own staff, or the brigade
officer seconded or paired to it), an expert of the matching group on "2+1" inspections, safety
managers assisting, a result for every checklist item, a hazard for every "不符合" (its level from the
item), photos of some hazards, sign-off, a rectification order with deadlines; then, as the days pass,
enterprises reporting progress, an extension request or two, re-inspections closing or keeping
hazards, major hazards referred towards a penalty case, and a few hazards left overdue.

Everything goes through ``zhifa.inspections.services`` and ``zhifa.inspections.evidence``: the
two-certified-officers rule is applied, documents are rendered, numbered (gapless per agency, kind and
year) and stored, and changes are audited, exactly as when an officer does it in the UI.

Time: the month is *replayed* in chronological order (all boards interleaved) with the clock the
services read (``django.utils.timezone.now`` and the model fields defaulting to it) set to each step's
moment, so signatures, issue dates, the dates printed on the documents, deadlines (never earlier than
the day of the order) and hazard histories all read as they would have happened. The audit log is
the exception: ``zhifa.core.audit`` keeps the real clock, so the log records truthfully that the
demo generator (source ``cli``) wrote these rows when it ran, attributed to the demo account acting.

Determinism: draws come from ``random.Random("zhifa-demo-activity:{seed}")`` in a fixed order over
rows ordered by primary key; dates are relative to the day of the run. Idempotence: nothing is done
when the demo boards already have an inspection.
"""

from __future__ import annotations

import heapq
import io
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.core import audit
from zhifa.demo import data
from zhifa.enterprises.choices import MajorHazardLevel, OperatingStatus
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert, ExpertConflict, ExpertGroup
from zhifa.inspections import services
from zhifa.inspections.choices import (
    EvidenceKind,
    HazardLevel,
    HazardStatus,
    InspectionOrigin,
    ItemResult,
    ReviewOutcome,
)
from zhifa.inspections.models import ChecklistTemplate, Hazard, Inspection, RectificationOrder
from zhifa.orgs.choices import EquipmentKind, Post
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment

DAYS = 30
INSPECTIONS_PER_BOARD = (9, 11)
#: Share of inspections using the general checklist although a group checklist fits.
GENERAL_SHARE = 0.25
#: Share of group-checklist inspections done "2+1" (with an expert).
EXPERT_SHARE = 0.6
#: How many "不符合" an inspection finds (value, weight).
FINDINGS_PER_INSPECTION = ((0, 22), (1, 30), (2, 26), (3, 15), (4, 7))
#: Relative chance of a major-hazard item being found non-compliant (general items weigh 1).
MAJOR_WEIGHT = 0.22
#: Share of hazards photographed, and of closed hazards photographed again at the re-inspection.
PHOTO_SHARE = 0.45
REVIEW_PHOTO_SHARE = 0.3
#: Share of orders whose deadline has passed that are not re-inspected yet (their hazards are overdue).
LEFT_OVERDUE = 0.05
#: Share of re-inspected hazards found not yet rectified (kept, with a new deadline).
KEPT_SHARE = 0.18
REFERRAL_SHARE = 0.5
EXTENSIONS = 3

ORIGINS = (
    (InspectionOrigin.PLANNED, 50),
    (InspectionOrigin.TARGETED, 20),
    (InspectionOrigin.AD_HOC, 18),
    (InspectionOrigin.COMPLAINT, 7),
    (InspectionOrigin.FOLLOW_UP, 5),
)
PLACES = (
    "生产车间、原料仓库、配电房",
    "一号车间、二号车间、成品仓库",
    "生产车间、空压机房、办公区",
    "加工车间、仓库及厂区道路",
    "生产车间、化学品储存间、污水处理站",
    "车间、食堂及员工宿舍",
)
CHEM_PLACES = ("生产装置区、罐区、控制室", "甲类车间、危险化学品仓库、装卸区", "生产区、储罐区、装卸区")
ONSITE_TITLES = ("总经理", "生产副总", "安全主管", "安全员", "厂长", "设备主管", "行政经理")

#: Which industries (GB/T 4754 prefixes) an item applies to, by a phrase in its text; where it does
#: not apply the item is recorded "不适用" (a wood factory has no 白酒 store).
APPLIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("食品制造", ("13", "14")),
    ("白酒", ("15",)),
    ("纸浆", ("22",)),
    ("日用玻璃", ("305", "307")),
    ("木制品", ("20", "21")),
    ("烟叶", ("16",)),
    ("液氨", ("13", "14", "15", "59")),
    ("快速冻结", ("13", "14", "59")),
    ("铁水", ("31",)),
    ("炼钢", ("31",)),
    ("深井铸造", ("321", "325")),
    ("熔融有色", ("32",)),
    ("熔融金属", ("31", "32", "339")),
    ("铸造熔炼炉", ("339",)),
    ("烧嘴", ("30", "31", "32", "33", "34")),
    ("煤气", ("31", "32")),
    ("煤磨", ("301",)),
    ("筒型储库", ("301", "302", "303")),
    ("燃气窑炉", ("30", "305", "307")),
    ("保险粉", ("171", "172", "173", "175", "176", "178")),
    ("热定型", ("17",)),
    ("开清棉", ("171", "172", "173")),
    ("液化烃", ("25", "26")),
    ("重点监管危险化工工艺", ("26", "27")),
    ("精细化工", ("26", "27")),
    ("双重电源", ("25", "26", "27", "28")),
    ("控制室", ("25", "26", "27", "28")),
    ("粉尘", tuple(str(n) for n in range(13, 44))),
    ("除尘", tuple(str(n) for n in range(13, 44))),
    ("炼胶机", ("29",)),
    ("印刷", ("23", "29")),
)

#: What an officer writes down when an item is not met, by a phrase of the item (first match wins;
#: the test checks every seeded item has one).
FINDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # 安全管理
    (
        "主要负责人履行",
        (
            "主要负责人未组织制定冲压、打磨等岗位安全操作规程",
            "安全生产规章制度未结合企业实际制定，未发布实施",
        ),
    ),
    (
        "建立健全全员安全生产责任制",
        ("未制定各岗位安全生产责任制，未开展考核", "全员安全生产责任制未明确车间班组长的责任范围和考核标准"),
    ),
    ("建立与岗位相匹配", ("全员安全生产责任制与实际岗位不符，未制定隐患排查治理制度",)),
    ("按规定设置安全生产管理机构", ("从业人员超过一百人，未设置安全生产管理机构或配备专职安全生产管理人员",)),
    ("金属冶炼企业设置安全生产管理机构", ("熔铸车间未配备专职安全生产管理人员",)),
    ("危险化学品生产、经营单位的主要负责人", ("安全生产管理人员1名未经应急管理部门考核合格",)),
    ("金属冶炼企业主要负责人", ("主要负责人未按规定经安全生产知识和管理能力考核合格",)),
    ("主要负责人和安全生产管理人员具备", ("新任安全生产管理人员未经安全生产知识和管理能力考核",)),
    ("对新招用、转岗", ("5名劳务派遣人员未经岗前安全培训上岗", "转岗至定型车间的2名员工无岗前培训记录")),
    (
        "对从业人员（含被派遣",
        ("3名新入职员工未经岗前安全培训即上岗作业", "安全生产教育和培训档案缺失，无本年度培训记录"),
    ),
    (
        "特种作业人员",
        (
            "1名电工未取得特种作业操作证，从事配电房维护作业",
            "焊接作业人员1名特种作业操作证已过期，仍在上岗作业",
        ),
    ),
    ("特种设备安全管理人员和作业人员", ("2名叉车司机未取得特种设备作业人员证",)),
    ("保证安全生产所必需的资金投入", ("未按规定提取安全生产费用，无使用台账",)),
    ("依法参加工伤保险", ("部分从业人员未参加工伤保险",)),
    (
        "双重预防机制",
        ("未建立隐患排查治理台账，隐患排查记录不全", "未开展安全风险辨识评估，未绘制风险四色分布图"),
    ),
    (
        "发包或出租",
        (
            "厂房部分出租给他人使用，未签订安全生产管理协议，未定期进行安全检查",
            "外包维修单位进场作业，企业未对其统一协调、管理",
        ),
    ),
    ("两个以上单位在同一作业区域", ("同一厂区内两家单位交叉作业，未签订安全生产管理协议",)),
    ("制定操作规程和工艺控制指标", ("反应釜岗位操作规程缺少工艺控制指标",)),
    ("特殊作业管理制度", ("进入受限空间作业票缺少气体分析数据和监护人签字",)),
    ("精细化工企业", ("新增产品未开展反应安全风险评估即投入生产",)),
    ("对构成重大危险源的危险化学品登记建档", ("重大危险源未按规定进行定期检测、评估，备案材料未更新",)),
    # 现场设备设施
    ("安全设备的安装、使用", ("车间2台排风机损坏未修复，未进行经常性维护保养",)),
    ("未使用国家明令淘汰", ("仍在使用国家明令淘汰的老旧设备1台",)),
    ("未使用淘汰落后安全技术工艺", ("仍在使用淘汰落后安全技术工艺、设备目录所列设备",)),
    ("等特种设备办理使用登记", ("1台叉车超过定期检验有效期仍在使用", "储气罐未办理使用登记")),
    (
        "按照国家标准、行业标准配置消防设施",
        ("车间部分灭火器压力不足，未按期检查", "消防安全标志缺失，应急照明损坏"),
    ),
    ("车间按规定配置消防设施", ("消火栓被货物遮挡", "车间部分灭火器已过期")),
    ("外部安全防护距离", ("储罐区与周边厂房的外部安全防护距离不足",)),
    ("重点监管危险化工工艺", ("硝化装置紧急停车系统未投入使用",)),
    ("一级、二级重大危险源的危险化学品罐区", ("二级重大危险源罐区未实现紧急切断功能",)),
    ("万向管道充装系统", ("液氨充装仍使用金属软管，未使用万向管道充装系统",)),
    (
        "检测报警装置，爆炸危险场所",
        ("甲类仓库可燃气体检测报警装置未正常投用", "爆炸危险区域内使用非防爆照明灯具"),
    ),
    ("控制室或机柜间", ("控制室面向装置一侧设有门窗，不满足防火防爆要求",)),
    ("双重电源", ("自动化控制系统未设置不间断电源",)),
    ("安全阀、爆破片", ("2台储罐安全阀超过校验期", "反应釜爆破片前阀门处于关闭状态")),
    ("人员聚集场所未设置在铁水", ("炉前操作室位于钢水吊运跨的地坪区域内",)),
    ("吊运铁水", ("吊运钢水的起重机未按期检验",)),
    ("炼钢炉等水冷元件", ("电弧炉水冷元件出水温度监测报警未与电极自动断电装置联锁",)),
    ("煤磨袋式收尘器", ("煤磨袋式收尘器一氧化碳浓度监测报警装置损坏",)),
    ("一氧化碳浓度监测报", ("煤气加压站值班室未设置固定式一氧化碳浓度监测报警装置",)),
    ("煤气管道安装隔断装置", ("进入车间前的煤气管道未安装隔断装置",)),
    ("深井铸造", ("深井铸造结晶器冷却水系统进水流量监测报警未与快速切断阀联锁",)),
    ("熔融有色金属冶炼炉窑", ("熔铝炉水冷元件未设置进出水流量差监测报警，无应急冷却水源",)),
    ("耳轴", ("钢水罐耳轴超过探伤检测周期",)),
    ("预混燃烧方式的燃气窑炉", ("燃气窑炉燃气总管压力监测报警未与紧急自动切断装置联锁",)),
    ("带式输送机", ("皮带输送机尾轮未设防护罩，急停拉绳开关失效",)),
    ("窑头、窑尾", ("预热器平台局部防护栏杆缺失",)),
    ("人员聚集场所未设置在熔融金属", ("熔炼工段更衣室设在熔融金属浇注影响范围内",)),
    ("吊运熔融金属的起重机", ("吊运铁水包的起重机超过检验有效期",)),
    ("铸造熔炼炉的冷却水系统", ("中频炉冷却水系统未设置出水温度监测报警装置",)),
    ("烧嘴", ("热处理炉燃气烧嘴熄火保护装置失效",)),
    ("调漆间", ("调漆间未设置可燃气体浓度监测报警装置", "喷漆室排风设施损坏未修复")),
    ("冲压、剪切机械", ("1台冲床光电保护装置被拆除", "剪板机双手操纵按钮被短接")),
    ("外露旋转部位", ("2台车床传动部位防护罩缺失", "空压机皮带轮防护罩缺失")),
    ("铝镁等金属粉尘的干式除尘系统采取", ("铝制品抛光干式除尘器未设置泄爆装置",)),
    ("烘制、油炸", ("油炸锅防过热自动切断装置失效",)),
    ("白酒", ("酒库乙醇浓度监测报警装置未与通风设施联锁",)),
    ("液氯", ("使用蒸汽直接加热液氯钢瓶",)),
    ("日用玻璃、陶瓷", ("燃气窑炉未设置燃气低压警报器",)),
    ("砂光机", ("砂光机风管未设置火花探测消除装置",)),
    ("空调系统未采用氨直接蒸发", ("分割车间空调系统采用氨直接蒸发制冷",)),
    ("餐饮、食品加工等使用燃气", ("食堂燃气灶具区域未安装可燃气体报警装置",)),
    ("炼胶机", ("开炼机紧急制动装置失效", "注塑机安全门联锁被短接")),
    ("热定型工艺", ("定型机导热油炉与生产车间未隔离设置",)),
    ("定型机烘箱", ("定型机烘箱内油垢积聚，未定期清理",)),
    ("梳棉机", ("剑杆织机传动部位防护罩缺失",)),
    ("粉尘爆炸危险场所未设置在非框架", ("粉尘爆炸危险场所内设置了休息室",)),
    ("不同类别的可燃性粉尘", ("两个防火分区的除尘系统互联互通",)),
    ("干式除尘系统采取泄爆", ("干式除尘器未采取泄爆、惰化、抑爆等任何一种措施",)),
    ("锁气卸灰", ("木粉尘干式除尘器未设置锁气卸灰装置",)),
    ("20区", ("除尘器周边使用非防爆电气设备",)),
    ("直接关系生产安全的监控", ("氨制冷机房氨气浓度报警装置被关闭",)),
    ("使用燃气的场所安装可燃气体报警装置", ("燃气锅炉房可燃气体报警装置故障未修复",)),
    # 作业环境
    ("出口和疏散通道", ("二号车间东侧安全出口被成品堆放堵塞", "员工宿舍楼疏散通道堆放杂物")),
    ("劳动密集型车间", ("缝纫车间安全出口上锁", "车间疏散通道堆放布料，宽度不足")),
    ("疏散通道、安全出口、消防车通道", ("仓库安全出口被货物堵塞，消防车通道被占用",)),
    ("原料、成品仓库与员工宿舍", ("成品仓库与员工宿舍设在同一建筑物内",)),
    ("危险物品的车间、商店、仓库未与员工宿舍", ("油漆仓库与员工宿舍设在同一建筑物内",)),
    ("商贸、仓储场所", ("仓库货物堆放占用防火间距",)),
    (
        "动火、临时用电、吊装",
        ("车间内动火作业未办理动火审批，无专人现场监护", "临时用电线路未经审批，无漏电保护"),
    ),
    ("带煤气作业", ("煤气设施动火作业未办理审批，无监护人",)),
    ("如实告知从业人员", ("未向从业人员告知岗位存在的危险因素和防范措施",)),
    ("为从业人员提供符合国家标准", ("打磨岗位2名作业人员未佩戴防尘口罩", "焊接作业人员未佩戴防护面罩")),
    ("为炉前、浇铸等高温岗位", ("浇铸岗位作业人员未穿戴隔热防护服",)),
    ("粉尘作业岗位", ("破碎岗位作业人员未佩戴防尘口罩",)),
    ("禁配物质", ("氧化剂与易燃液体混存于同一仓间",)),
    ("安全技术说明书", ("作业场所未备有化学品安全技术说明书",)),
    ("事故坑、炉下渣坑", ("炉下渣坑有积水",)),
    ("炉底、炉坑、事故坑", ("浇注作业坑内有积水",)),
    ("可燃性有机溶剂清洗", ("使用天那水清洗设备，地沟内可燃气体积聚，未采取通风措施",)),
    ("筒型储库人工清库", ("筒型储库清库作业未制定清库方案",)),
    ("进入筒型储库", ("进入磨机检修前未对进料设备断电隔离",)),
    ("上锁挂牌", ("破碎机检修时未执行上锁挂牌",)),
    ("有限空间安全管理台账", ("污水处理池、化粪池未辨识为有限空间，未设置安全警示标志",)),
    ("有限空间作业经审批", ("清理集水井作业未办理审批，未进行气体检测即进入作业",)),
    ("快速冻结装置", ("速冻间内同时作业人员达12人",)),
    ("烟叶熏蒸", ("熏蒸作业场所未配备磷化氢气体浓度检测报警仪器",)),
    ("保险粉", ("保险粉与双氧水混存于同一仓库", "保险粉露天堆放")),
    ("开清棉", ("开清棉车间梁架、设备顶部积尘严重",)),
    ("遇湿自燃", ("除尘器周边积尘严重；铝粉收集间未采取防潮措施",)),
    ("粉尘清理制度", ("除尘器周边及车间梁架积尘严重，未落实粉尘清理制度",)),
    ("溶剂型油墨", ("印刷车间溶剂存放量超过当班用量，通风不良",)),
    ("电气线路规范敷设", ("车间电气线路私拉乱接",)),
    # last: the phrase also occurs in more specific items above
    (
        "安全警示标志",
        ("配电房、空压机房未设置安全警示标志", "危险化学品储存间门口未设置安全警示标志和职业危害告知牌"),
    ),
    # 应急管理
    ("制定生产安全事故应急救援预案", ("未组织本年度应急预案演练，无演练记录", "应急预案未结合企业实际修订")),
    ("配备煤气防护", ("煤气防护站空气呼吸器压力不足",)),
    ("建立应急救援组织", ("未指定兼职应急救援人员，应急器材柜内器材缺失",)),
    ("发生生产安全事故后", ("今年发生的1起轻伤事故未按规定报告",)),
)


@dataclass
class ActivityCounts:
    inspections: int = 0
    two_plus_one: int = 0
    hazards: int = 0
    major: int = 0
    orders: int = 0
    reinspections: int = 0
    closed: int = 0
    kept: int = 0
    extensions: int = 0
    referrals: int = 0
    photos: int = 0
    documents: int = 0
    overdue: int = 0
    boards: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"近 {DAYS} 天执法活动：{len(self.boards)} 个板块现场检查 {self.inspections} 次（“2+1” {self.two_plus_one} 次），"
            f"隐患 {self.hazards} 项（重大 {self.major} 项，照片 {self.photos} 张），整改指令 {self.orders} 份，"
            f"复查 {self.reinspections} 次（销号 {self.closed} 项、继续整改 {self.kept} 项），"
            f"延期申请 {self.extensions} 件，移交立案审查 {self.referrals} 件，逾期未整改 {self.overdue} 项，"
            f"签发文书 {self.documents} 份"
        )


# --- The clock the services read ------------------------------------------------------------------


class _Clock:
    moment: datetime | None = None

    def now(self) -> datetime:
        return self.moment or _REAL_NOW()


_REAL_NOW = timezone.now


class _AuditTimezone:
    """``django.utils.timezone`` as the audit module sees it during the replay: the real clock."""

    def __getattr__(self, name):
        return _REAL_NOW if name == "now" else getattr(timezone, name)


@contextmanager
def replay_clock() -> Iterator[_Clock]:
    """Make ``timezone.now`` (and field defaults bound to it) read ``clock.moment`` while inside."""
    clock = _Clock()
    patched = [
        f
        for model in apps.get_models()
        if model._meta.label != "core.AuditEntry"
        for f in model._meta.concrete_fields
        if f.default is _REAL_NOW
    ]
    saved_audit_tz = audit.timezone
    timezone.now = clock.now
    audit.timezone = _AuditTimezone()  # type: ignore[assignment]
    for f in patched:
        f.default = clock.now
        f.__dict__.pop("_get_default", None)  # a cached_property holding the old callable
    try:
        yield clock
    finally:
        timezone.now = _REAL_NOW
        audit.timezone = saved_audit_tz
        for f in patched:
            f.default = _REAL_NOW
            f.__dict__.pop("_get_default", None)


# --- Planning -------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _applies(item_text: str, enterprise: Enterprise) -> bool:
    if "重大危险源" in item_text and enterprise.major_hazard_level == MajorHazardLevel.NONE:
        return False
    for phrase, prefixes in APPLIES:
        if phrase in item_text:
            return enterprise.industry_id.startswith(prefixes)
    return True


def _finding(rng: random.Random, item_text: str) -> str:
    for phrase, texts in FINDINGS:
        if phrase in item_text:
            return rng.choice(texts)
    return "未落实：" + item_text


def photo(rng: random.Random, label: str) -> io.BytesIO:
    """A small generated JPEG standing in for a field photo (a shaded scene and a date stamp)."""
    from PIL import Image, ImageDraw

    width, height = 480, 360
    base = tuple(rng.randint(60, 190) for _ in range(3))
    image = Image.new("RGB", (width, height), base)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(4, 8)):
        x, y = rng.randint(0, width - 60), rng.randint(0, height - 60)
        w, h = rng.randint(40, 200), rng.randint(30, 160)
        shade = tuple(max(0, min(255, c + rng.randint(-70, 70))) for c in base)
        draw.rectangle((x, y, x + w, y + h), fill=shade, outline=(40, 40, 40))
    draw.rectangle((0, height - 28, width, height), fill=(0, 0, 0))
    draw.text((10, height - 22), label, fill=(255, 200, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    out.seek(0)
    return out


@dataclass
class _Board:
    region: Region
    officer_user: User
    leader_user: User
    certified: list[Officer]  # the board's own leader and officers
    helper: Officer | None  # the brigade officer seconded or paired to the board
    managers: list[Officer]
    recorders: dict[int, Equipment]
    spare_recorder: Equipment | None
    enterprises: list[Enterprise]


class ActivityBuilder:
    def __init__(self, seed: int, today: date, log: Callable[[str], None]):
        self.rng = random.Random(f"zhifa-demo-activity:{seed}")
        self.today = today
        self.log = log
        self.counts = ActivityCounts()
        self.events: list[tuple[datetime, int, Callable[[], None]]] = []
        self._seq = 0
        #: Nothing is dated today or later, so the month reads the same whenever today the demo runs.
        self.latest = self._moment(today, 0)
        self.checklists = {
            c.code: c
            for c in ChecklistTemplate.objects.latest_published().prefetch_related("items").order_by("code")
        }
        self.items = {code: list(c.items.order_by("order")) for code, c in self.checklists.items()}
        self.groups = list(ExpertGroup.objects.order_by("sort_order", "pk"))
        self.experts = {
            g.code: list(Expert.objects.filter(groups=g, is_fictitious=True).order_by("pk"))
            for g in self.groups
        }
        self.conflicts = set(ExpertConflict.objects.values_list("expert_id", "enterprise_id"))

    # --- the boards as the demo left them -----------------------------------------------------------

    def boards(self) -> list[_Board] | None:
        from zhifa.demo.generate import board_code

        users = {u.username: u for u in User.objects.filter(username__regex=r"^b\d{3}_(officer|leader)$")}
        boards = []
        for index in range(len(data.BOARDS)):
            region = Region.objects.get(code=board_code(1, index))
            prefix = f"b{region.code[-3:]}"
            officer_user, leader_user = users.get(f"{prefix}_officer"), users.get(f"{prefix}_leader")
            if officer_user is None or leader_user is None or not officer_user.officer_id:
                return None
            staff = Officer.objects.filter(unit=region, is_fictitious=True).order_by("pk")
            certified = [o for o in staff if o.post in (Post.BOARD_LEADER, Post.BOARD_OFFICER)]
            helper = (
                Secondment.objects.active_on(self.today).filter(region=region).order_by("pk").first()
                or Pairing.objects.active_on(self.today).filter(region=region).order_by("pk").first()
            )
            recorders = Equipment.objects.filter(unit=region, kind=EquipmentKind.RECORDER).order_by("pk")
            boards.append(
                _Board(
                    region=region,
                    officer_user=officer_user,
                    leader_user=leader_user,
                    certified=certified,
                    helper=helper.officer if helper else None,
                    managers=[o for o in staff if o.post == Post.SAFETY_MANAGER],
                    recorders={r.officer_id: r for r in recorders if r.officer_id},
                    spare_recorder=next((r for r in recorders if not r.officer_id), None),
                    enterprises=list(
                        Enterprise.objects.filter(
                            board=region, is_fictitious=True, operating_status=OperatingStatus.OPERATING
                        ).order_by("pk")
                    ),
                )
            )
        return boards

    # --- scheduling -----------------------------------------------------------------------------------

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self.events, (moment, self._seq, action))

    def _workday(self, day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def _moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def plan(self, boards: list[_Board]) -> None:
        rng = self.rng
        first = self.today - timedelta(days=DAYS)
        days = [first + timedelta(days=n) for n in range(DAYS + 1)]
        days = [d for d in days if d.weekday() < 5 and d < self.today]
        for board in boards:
            count = rng.randint(*INSPECTIONS_PER_BOARD)
            targets = rng.sample(board.enterprises, min(count, len(board.enterprises)))
            for enterprise in targets:
                day = rng.choice(days)
                start = self._moment(
                    day, rng.choice((8, 9, 9, 10, 13, 14, 14, 15)), rng.choice((0, 15, 30, 45))
                )
                end = start + timedelta(minutes=rng.randint(60, 180))
                # Recorded on site and signed at the end of the inspection.
                self.at(end, self._inspection(board, enterprise, start, end))

    def run(self) -> ActivityCounts:
        heapq.heapify(self.events)
        with replay_clock() as clock:
            while self.events:
                moment, _, action = heapq.heappop(self.events)
                clock.moment = moment
                action()
        self.counts.overdue = (
            Hazard.objects.overdue(self.today).filter(board_id__in=self.counts.boards).count()
        )
        return self.counts

    # --- one inspection and what follows from it --------------------------------------------------------

    def _team(self, board: _Board, on: date) -> list[Officer]:
        """Two (sometimes three) officers certified on ``on``, led by one of the board's account holders."""
        rng = self.rng
        candidates = [*board.certified, *([board.helper] if board.helper else [])]
        valid = set(
            Certificate.objects.valid_on(on)
            .filter(officer__in=candidates)
            .values_list("officer_id", flat=True)
        )
        own = [o for o in board.certified if o.pk in valid]
        preferred = [board.officer_user.officer_id, board.leader_user.officer_id]
        if rng.random() < 0.3:
            preferred.reverse()
        lead = next((o for pk in preferred for o in own if o.pk == pk), own[0] if own else None)
        if lead is None:
            return []
        partners = [o for o in own if o.pk != lead.pk]
        helper = board.helper if board.helper and board.helper.pk in valid else None
        if helper and (rng.random() < 0.25 or not partners):
            team = [lead, helper]
        elif partners:
            team = [lead, rng.choice(partners)]
        else:
            return []
        extra = [o for o in own if o not in team]
        if extra and rng.random() < 0.15:
            team.append(rng.choice(extra))
        return team

    def _checklist(self, enterprise: Enterprise) -> tuple[ChecklistTemplate, ExpertGroup | None]:
        group = next((g for g in self.groups if g.covers(enterprise.industry_id)), None)
        if group is None or group.code not in self.checklists or self.rng.random() < GENERAL_SHARE:
            return self.checklists["general"], None
        return self.checklists[group.code], group

    def _expert(self, group: ExpertGroup | None, enterprise: Enterprise, on: date) -> Expert | None:
        if group is None or self.rng.random() >= EXPERT_SHARE:
            return None
        pool = [
            e
            for e in self.experts.get(group.code, [])
            if (e.pk, enterprise.pk) not in self.conflicts and e.is_available_on(on)
        ]
        return self.rng.choice(pool) if pool else None

    def _inspection(self, board: _Board, enterprise: Enterprise, start: datetime, end: datetime):
        rng = self.rng
        on = timezone.localtime(start).date()
        team = self._team(board, on)
        if len(team) < 2:
            return lambda: None  # nobody certified that day: no inspection
        checklist, group = self._checklist(enterprise)
        expert = self._expert(group, enterprise, on)
        assistants = rng.sample(board.managers, rng.choice((0, 1, 1, 2)))
        recorder = board.recorders.get(team[0].pk) or board.spare_recorder
        user = (
            board.officer_user if board.officer_user.officer_id in {o.pk for o in team} else board.leader_user
        )
        items = self.items[checklist.code]
        applicable = [i for i in items if _applies(i.text, enterprise)]
        k = min(_weighted(rng, FINDINGS_PER_INSPECTION), len(applicable))
        weights = [MAJOR_WEIGHT if i.major_basis else 1.0 for i in applicable]
        found: list = []
        while len(found) < k:
            pick = rng.choices(applicable, weights=weights)[0]
            if pick not in found:
                found.append(pick)
        found.sort(key=lambda i: i.order)
        notes = {i.pk: _finding(rng, i.text) for i in found}
        photographed = [i for i in found if rng.random() < PHOTO_SHARE]
        origin = _weighted(rng, ORIGINS)
        place = rng.choice(CHEM_PLACES if checklist.code == "chem" else PLACES)
        title = rng.choice(ONSITE_TITLES)
        # One deadline for the whole order: days to rectify, longer where a major hazard needs a plan.
        days = max(
            (rng.randint(15, 30) if i.major_basis else rng.choice((5, 7, 7, 10, 10, 15)) for i in found),
            default=0,
        )

        def act() -> None:
            with audit.audit_context(source="cli", user=user):
                inspection = services.start_inspection(
                    enterprise=enterprise,
                    checklist=checklist,
                    user=user,
                    officers=team,
                    origin=origin,
                    expert=expert,
                    recorder=recorder,
                    started_at=start,
                    ended_at=end,
                    place=place,
                    onsite_person_name=enterprise.contact_name,
                    onsite_person_title=title,
                    onsite_person_phone=enterprise.contact_phone,
                )
                if assistants:
                    inspection.assistants.set(assistants)
                results: dict[int, tuple[str, str]] = {}
                for item in items:
                    if item.pk in notes:
                        results[item.pk] = (ItemResult.NON_COMPLIANT, notes[item.pk][:300])
                    elif item in applicable:
                        results[item.pk] = (ItemResult.COMPLIANT, "")
                    else:
                        results[item.pk] = (ItemResult.NOT_APPLICABLE, "")
                services.save_results(inspection, results)
                compliant = sum(r == ItemResult.COMPLIANT for r, _ in results.values())
                na = len(results) - compliant - len(found)
                lines = [
                    f"执法人员{'会同专家' + expert.name if expert else ''}依据《{checklist.name}》对该单位"
                    f"{place}进行了现场检查，共检查 {len(items)} 项：符合 {compliant} 项，"
                    f"不符合 {len(found)} 项，不适用 {na} 项。"
                ]
                if assistants:
                    lines.append(f"专职安管员{'、'.join(a.name for a in assistants)}协助检查。")
                lines.append(
                    "现场发现的问题已当场向企业现场负责人指出。" if found else "本次检查未发现事故隐患。"
                )
                inspection.findings = "\n".join(lines)
                inspection.save(update_fields=["findings"])
                hazards = []
                for item in found:
                    hazard = services.add_hazard(
                        inspection,
                        description=notes[item.pk],
                        item=item,
                        responsible_person=enterprise.contact_name,
                        user=user,
                    )
                    hazards.append(hazard)
                    self.counts.hazards += 1
                    self.counts.major += hazard.level == HazardLevel.MAJOR
                    if item in photographed:
                        self._photo(hazard=hazard, user=user, recorder=recorder, at=start)
                inspection = services.sign_off(inspection, user=user)
                self.counts.inspections += 1
                self.counts.boards.add(board.region.pk)
                self.counts.documents += 1
                self.counts.two_plus_one += expert is not None
            if hazards:
                issue_at = end + timedelta(minutes=rng.randint(10, 40))
                self.at(issue_at, self._order(board, inspection, hazards, days, user, team))

        return act

    def _photo(self, *, user, recorder, at: datetime, hazard=None, reinspection=None) -> None:
        from zhifa.inspections.evidence import add_evidence

        stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
        image = photo(self.rng, f"{stamp}  {recorder.serial_number if recorder else ''}")
        image.name = (
            f"IMG_{timezone.localtime(at).strftime('%Y%m%d_%H%M')}_{self.rng.randint(1000, 9999)}.jpg"
        )
        add_evidence(
            image,
            kind=EvidenceKind.PHOTO,
            user=user,
            hazard=hazard,
            reinspection=reinspection,
            recorder=recorder,
            description="整改后现场照片" if reinspection is not None else "隐患现场照片",
            captured_at=at,
        )
        self.counts.photos += 1

    def _order(self, board, inspection: Inspection, hazards: list[Hazard], days: int, user, team):
        rng = self.rng

        def act() -> None:
            issued = timezone.localdate()
            due = {h.pk: issued + timedelta(days=days) for h in hazards}
            with audit.audit_context(source="cli", user=user):
                order = services.issue_rectification_order(inspection, due, user=user)
                for hazard in hazards:
                    if hazard.level == HazardLevel.MAJOR and rng.random() < REFERRAL_SHARE:
                        services.refer_to_case(
                            user=user,
                            hazard=hazard,
                            description=f"{inspection.enterprise.name}存在重大事故隐患：{hazard.description}。",
                        )
                        self.counts.referrals += 1
            self.counts.orders += 1
            self.counts.documents += 1
            self._follow_up(board, order, sorted(due.values())[-1], user, team)

        return act

    def _follow_up(self, board: _Board, order: RectificationOrder, deadline: date, user, team) -> None:
        """What happens after the order: progress reports, maybe an extension, the re-inspection."""
        rng = self.rng
        issued = timezone.localtime(order.issued_at)
        hazards = list(order.hazards.order_by("pk"))
        # The enterprise reports progress a few days in.
        report_day = self._workday(issued.date() + timedelta(days=rng.randint(2, 6)))
        report_at = self._moment(report_day, rng.choice((10, 15)), rng.choice((0, 30)))
        if report_at < self.latest:
            self.at(report_at, self._progress(order, user))
        major = any(h.level == HazardLevel.MAJOR for h in hazards)
        if major and self.counts.extensions < EXTENSIONS and rng.random() < 0.5:
            ask_day = self._workday(issued.date() + timedelta(days=rng.randint(3, 5)))
            ask_at = self._moment(ask_day, 9, 30)
            if ask_at < self.latest:
                self.counts.extensions += 1
                self.at(ask_at, self._extension(board, order, user))
                return  # re-inspected after the extended deadline, beyond this month
        review_day = self._workday(deadline + timedelta(days=rng.choice((0, 0, 1, 2))))
        review_at = self._moment(review_day, rng.choice((9, 10, 14, 15)), rng.choice((0, 30)))
        if review_at + timedelta(hours=1) > self.latest or rng.random() < LEFT_OVERDUE:
            return  # not yet due, or not yet done: past-deadline ones are overdue
        kept = {h.pk for h in hazards if rng.random() < KEPT_SHARE}
        self.at(review_at, self._reinspection(board, order, kept, user, team))

    def _progress(self, order: RectificationOrder, user):
        def act() -> None:
            with audit.audit_context(source="cli", user=user):
                for hazard in order.hazards.filter(status=HazardStatus.PENDING).order_by("pk"):
                    services.move_hazard(
                        hazard, HazardStatus.RECTIFYING, user=user, note="企业报告已开始整改"
                    )

        return act

    def _extension(self, board: _Board, order: RectificationOrder, user):
        rng = self.rng

        def act() -> None:
            hazards = list(order.hazards.exclude(status=HazardStatus.CLOSED).order_by("pk"))
            current = max(d for h in hazards if (d := h.deadline) is not None)
            reason = rng.choice(
                (
                    "重大事故隐患治理需委托设计单位出具方案并采购设备，原期限内无法完成，整改期间已落实临时安全措施。",
                    "整改所需的监测报警及联锁装置需由厂家安装调试，厂家排期已满，现场已安排专人监护。",
                    "整改涉及停产改造，需分段施工，原期限内无法完成，已制定治理方案并落实临时安全措施。",
                )
            )
            with audit.audit_context(source="cli", user=user):
                extension = services.request_extension(
                    order,
                    hazards,
                    current + timedelta(days=rng.choice((15, 20, 30))),
                    reason=reason,
                    applicant=f"{order.enterprise.name}（{order.enterprise.contact_name}）",
                    user=user,
                )
            decide_at = self._moment(self._workday(timezone.localdate() + timedelta(days=1)), 16, 0)
            if decide_at < self.latest:
                self.at(decide_at, self._decide(board, extension))

        return act

    def _decide(self, board: _Board, extension):
        def act() -> None:
            with audit.audit_context(source="cli", user=board.leader_user):
                services.decide_extension(
                    extension,
                    approve=True,
                    opinion="经审查，延期理由属实，整改期间企业已采取临时安全措施，同意延期。",
                    user=board.leader_user,
                )
            self.counts.documents += 1

        return act

    def _reinspection(self, board: _Board, order: RectificationOrder, kept: set[int], user, team):
        rng = self.rng

        def act() -> None:
            on = timezone.localdate()
            officers = [o for o in team if o.is_certified_on(on)]
            if len(officers) < 2:
                officers = self._team(board, on)
            if len(officers) < 2:
                return  # nobody to re-inspect that day: the hazards stay open
            with audit.audit_context(source="cli", user=user):
                review = services.start_reinspection(order, user=user, officers=officers)
                review.inspected_at = timezone.now()
                closed_n, kept_n = [], []
                for n, outcome in enumerate(
                    review.outcomes.select_related("hazard").order_by("hazard_id"), 1
                ):
                    if outcome.hazard_id in kept:
                        outcome.outcome = ReviewOutcome.KEPT
                        outcome.new_deadline = on + timedelta(days=rng.choice((5, 7, 10)))
                        outcome.note = "整改措施未落实到位"
                        kept_n.append(str(n))
                    else:
                        outcome.outcome = ReviewOutcome.CLOSED
                        outcome.note = "已按要求整改"
                        closed_n.append(str(n))
                    outcome.save()
                parts = []
                if closed_n:
                    parts.append(f"第{'、'.join(closed_n)}项隐患已整改完毕，予以销号")
                if kept_n:
                    parts.append(f"第{'、'.join(kept_n)}项隐患未整改到位，责令继续整改")
                review.opinion = "经复查，" + "；".join(parts) + "。"
                review.save(update_fields=["inspected_at", "opinion"])
                for hazard in order.hazards.filter(status=HazardStatus.RECTIFYING).exclude(pk__in=kept):
                    services.move_hazard(
                        hazard, HazardStatus.AWAITING_REVIEW, user=user, note="企业报告整改完成"
                    )
                if closed_n and rng.random() < REVIEW_PHOTO_SHARE:
                    recorder = order.inspection.recorder
                    self._photo(user=user, recorder=recorder, at=review.inspected_at, reinspection=review)
                services.sign_off_reinspection(review, user=user)
            if kept_n:  # back when the new deadline is reached, and this time all is done
                again = max(o.new_deadline for o in review.outcomes.all() if o.new_deadline)
                again_at = self._moment(self._workday(again), rng.choice((9, 14)), 30)
                if again_at < self.latest:
                    self.at(again_at, self._reinspection(board, order, set(), user, team))
            self.counts.reinspections += 1
            self.counts.documents += 1
            self.counts.closed += len(closed_n)
            self.counts.kept += len(kept_n)

        return act


def activity_present() -> bool:
    from zhifa.demo.generate import board_code

    codes = [board_code(1, i) for i in range(len(data.BOARDS))]
    return Inspection.objects.filter(board__code__in=codes).exists()


def build_activity(*, seed: int, today: date, log: Callable[[str], None]) -> ActivityCounts | None:
    """Add the month of activity unless present; None when skipped (present, or no demo accounts)."""
    if activity_present():
        log("演示板块已有现场检查记录，不再生成执法活动。")
        return None
    if "general" not in {c.code for c in ChecklistTemplate.objects.latest_published()}:
        log("没有已发布的通用检查表（请先运行 zhifa migrate），不生成执法活动。")
        return None
    builder = ActivityBuilder(seed, today, log)
    boards = builder.boards()
    if boards is None:
        log("没有演示账号（未指定密码），不生成执法活动。")
        return None
    log(f"正在生成近 {DAYS} 天的执法活动（现场检查、隐患、整改指令、复查及文书）……")
    builder.plan(boards)
    return builder.run()
