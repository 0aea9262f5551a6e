"""The first published checklists: a general one and one per expert group (version 1 of each).

Read by the data migration ``0100_seed_checklists``; the migration is the only reader, and the data
here is FROZEN: a migration that has run never runs again, so editing this module would not change
any database, only make fresh installs differ from old ones. A later change to a checklist is a new
version made in the application (``services.new_checklist_version`` and ``publish_checklist``), or a
new data migration with its own data.

Legal bases (all checked against the texts in force; where an article number could not be confirmed
the law is cited without one):

- 《中华人民共和国安全生产法》 as amended in 2021 (in force 2021-09-01), cited by article: 第二十一条
  主要负责人职责, 第二十二条 全员安全生产责任制, 第二十三条 安全投入, 第二十四条 机构和人员, 第二十七条
  负责人和管理人员的知识与能力（考核）, 第二十八条 教育培训, 第三十条 特种作业人员, 第三十五条 警示标志,
  第三十六条 安全设备, 第三十八条 淘汰工艺设备, 第三十九条 危险物品, 第四十条 重大危险源, 第四十一条
  双重预防, 第四十二条 宿舍与疏散, 第四十三条 危险作业, 第四十四条 规程执行与危险告知, 第四十五条 劳动
  防护用品, 第四十八条 同一作业区域, 第四十九条 发包出租, 第五十一条 工伤保险与安全生产责任保险,
  第八十一条 应急预案, 第八十二条 应急救援组织与器材, 第八十三条 事故报告.
- 《工贸企业重大事故隐患判定标准》(应急管理部令第10号, in force 2023-05-15): 第三条 every 工贸 enterprise,
  第四条 冶金, 第五条 有色, 第六条 建材, 第七条 机械, 第八条 轻工, 第九条 纺织, 第十条 烟草, 第十一条 粉尘涉爆,
  第十二条 液氨制冷, 第十三条 有限空间, 第十四条 failed monitoring, alarm and protective devices. Items are
  paraphrased and cited by article, not by sub-item.
- 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》(安监总管三〔2017〕121号), 20 numbered
  items, cited by item.
- 《危险化学品安全管理条例》 第十五条 (SDS and labels), 第十九条 (distances of major-hazard installations),
  第二十四条 (storage); 《中华人民共和国特种设备安全法》 第三十三条 (registration), 第四十条 (periodic
  inspection); 《中华人民共和国消防法》 第十六条 (the unit's fire duties), 第二十一条 (naked flames),
  第二十八条 (no blocking of exits and fire equipment).

An item with a ``major_basis`` makes a "不符合" a major hazard (重大事故隐患) by default.
"""

from __future__ import annotations

AQ = "《中华人民共和国安全生产法》"
GM = "《工贸企业重大事故隐患判定标准》"
HG = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》"
WH = "《危险化学品安全管理条例》"
TS = "《中华人民共和国特种设备安全法》"
XF = "《中华人民共和国消防法》"

#: Section names, in the order checklists list them.
MANAGEMENT = "安全管理"
EQUIPMENT = "现场设备设施"
ENVIRONMENT = "作业环境"
EMERGENCY = "应急管理"


def _aq(*articles: str) -> str:
    return AQ + "、".join(f"第{a}条" for a in articles)


def _gm(article: str) -> str:
    return f"{GM}（应急管理部令第10号）第{article}条"


def _hg(item: str) -> str:
    return f"{HG}（安监总管三〔2017〕121号）第{item}项"


# Items shared by several checklists ------------------------------------------------------------------

SPECIAL_OPERATORS = (
    MANAGEMENT,
    "特种作业人员（电工、焊接与热切割、高处作业、制冷与空调作业等）经专门的安全作业培训，取得相应资格后上岗作业",
    _aq("三十"),
)
CONTRACTORS = (
    MANAGEMENT,
    "将生产经营项目、场所、设备发包或出租给具备安全生产条件或相应资质的单位，签订专门的安全生产管理协议，"
    "并对承包单位、承租单位的安全生产工作统一协调、管理，定期进行安全检查",
    _aq("四十九"),
)
CONFINED_REGISTER = (
    ENVIRONMENT,
    "对有限空间进行辨识，建立有限空间安全管理台账，并在有限空间出入口设置明显的安全警示标志",
    _aq("三十五", "四十一"),
    _gm("十三"),
)
CONFINED_WORK = (
    ENVIRONMENT,
    "有限空间作业经审批，执行“先通风、再检测、后作业”，作业现场设置监护人员",
    _aq("四十三"),
    _gm("十三"),
)
HOT_WORK = (
    ENVIRONMENT,
    "动火、临时用电、吊装等危险作业办理作业审批，落实安全措施，并安排专门人员进行现场安全管理",
    _aq("四十三"),
)
PROTECTIVE_EQUIPMENT = (
    ENVIRONMENT,
    "为从业人员提供符合国家标准或行业标准的劳动防护用品，并监督、教育其按照使用规则佩戴、使用",
    _aq("四十五"),
)
WARNING_SIGNS = (
    EQUIPMENT,
    "在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
    _aq("三十五"),
)
EMERGENCY_PLAN = (
    EMERGENCY,
    "制定生产安全事故应急救援预案，与所在地政府预案相衔接，并定期组织演练、保存演练记录",
    _aq("八十一"),
)
SPECIAL_EQUIPMENT = (
    EQUIPMENT,
    "锅炉、压力容器、压力管道、起重机械、场（厂）内专用机动车辆等特种设备办理使用登记，并在检验有效期内使用",
    f"{TS}第三十三条、第四十条",
)
DUAL_PREVENTION = (
    MANAGEMENT,
    "建立安全风险分级管控和隐患排查治理双重预防机制，如实记录事故隐患排查治理情况并向从业人员通报",
    _aq("四十一"),
)
TRAINING = (
    MANAGEMENT,
    "对从业人员（含被派遣劳动者、实习学生）进行安全生产教育和培训，建立安全生产教育和培训档案",
    _aq("二十八"),
)
DEVICES_WORKING = (
    EQUIPMENT,
    "直接关系生产安全的监控、报警、防护、救生设备设施未被关闭、破坏，相关数据未被篡改、隐瞒、销毁，"
    "本标准所列监测报警及防护装置正常运行",
    _aq("三十六"),
    _gm("十四"),
)


def _item(spec: tuple) -> dict:
    section, text, legal_basis, *rest = spec
    return {
        "section": section,
        "text": text,
        "legal_basis": legal_basis,
        "major_basis": rest[0] if rest else "",
    }


def _checklist(code: str, name: str, group: str | None, note: str, specs: list[tuple]) -> dict:
    order = {MANAGEMENT: 0, EQUIPMENT: 1, ENVIRONMENT: 2, EMERGENCY: 3}
    items = sorted((_item(s) for s in specs), key=lambda i: order[i["section"]])  # stable within a section
    return {"code": code, "name": name, "group": group, "note": note, "items": items}


GENERAL = _checklist(
    "general",
    "通用安全生产检查表",
    None,
    "适用于各类生产经营单位的日常检查；行业和专项内容见各专业组检查表。",
    [
        (
            MANAGEMENT,
            "主要负责人履行安全生产第一责任人职责，组织制定并实施本单位安全生产规章制度和操作规程",
            _aq("二十一"),
        ),
        (
            MANAGEMENT,
            "建立健全全员安全生产责任制，明确各岗位的责任人员、责任范围和考核标准，并监督考核落实情况",
            _aq("二十二"),
        ),
        (
            MANAGEMENT,
            "按规定设置安全生产管理机构或者配备专职、兼职安全生产管理人员",
            _aq("二十四"),
        ),
        (
            MANAGEMENT,
            "主要负责人和安全生产管理人员具备与本单位生产经营活动相应的安全生产知识和管理能力，按规定考核合格",
            _aq("二十七"),
        ),
        TRAINING,
        (
            MANAGEMENT,
            "特种作业人员经专门的安全作业培训，取得相应资格后上岗作业",
            _aq("三十"),
            _gm("三"),
        ),
        (
            MANAGEMENT,
            "保证安全生产所必需的资金投入，按规定提取和使用安全生产费用",
            _aq("二十三"),
        ),
        (
            MANAGEMENT,
            "依法参加工伤保险；属于高危行业、领域的，投保安全生产责任保险",
            _aq("五十一"),
        ),
        DUAL_PREVENTION,
        (*CONTRACTORS, _gm("三")),
        (
            MANAGEMENT,
            "两个以上单位在同一作业区域内作业、可能危及对方安全的，签订安全生产管理协议并指定专职安全生产管理人员检查协调",
            _aq("四十八"),
        ),
        WARNING_SIGNS,
        (
            EQUIPMENT,
            "安全设备的安装、使用、检测、维修、改造和报废符合国家标准或行业标准，经常性维护保养并定期检测",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "未使用国家明令淘汰、禁止使用的危及生产安全的工艺、设备",
            _aq("三十八"),
        ),
        SPECIAL_EQUIPMENT,
        (
            EQUIPMENT,
            "按照国家标准、行业标准配置消防设施、器材，设置消防安全标志，并定期检验、维修，确保完好有效",
            f"{XF}第十六条",
        ),
        (
            ENVIRONMENT,
            "生产经营场所和员工宿舍设有符合紧急疏散要求、标志明显、保持畅通的出口和疏散通道，未占用、锁闭、封堵",
            _aq("四十二"),
        ),
        (
            ENVIRONMENT,
            "生产、经营、储存、使用危险物品的车间、商店、仓库未与员工宿舍设在同一座建筑物内，并保持安全距离",
            _aq("四十二"),
        ),
        HOT_WORK,
        (
            ENVIRONMENT,
            "如实告知从业人员作业场所和工作岗位存在的危险因素、防范措施以及事故应急措施，督促其执行安全操作规程",
            _aq("四十四"),
        ),
        PROTECTIVE_EQUIPMENT,
        EMERGENCY_PLAN,
        (
            EMERGENCY,
            "发生生产安全事故后立即组织抢救，并按国家有关规定如实报告，不迟报、漏报、谎报、瞒报",
            _aq("八十三"),
        ),
    ],
)

CHEM = _checklist(
    "chem",
    "化工医药行业安全检查表",
    "chem",
    "适用于化工、医药、化学纤维及危险化学品生产经营单位（GB/T 4754 大类 25–28）；重大事故隐患依据"
    "安监总管三〔2017〕121号判定。",
    [
        (
            MANAGEMENT,
            "危险化学品生产、经营单位的主要负责人和安全生产管理人员经应急管理部门考核合格",
            _aq("二十七"),
            _hg("1"),
        ),
        (MANAGEMENT, "特种作业人员持证上岗", _aq("三十"), _hg("2")),
        (
            MANAGEMENT,
            "建立与岗位相匹配的全员安全生产责任制，制定并实施生产安全事故隐患排查治理制度",
            _aq("二十二", "四十一"),
            _hg("16"),
        ),
        (
            MANAGEMENT,
            "制定操作规程和工艺控制指标，并在岗位上执行",
            _aq("二十一"),
            _hg("17"),
        ),
        (
            MANAGEMENT,
            "按国家标准制定动火、进入受限空间等特殊作业管理制度，并有效执行（作业票证完整）",
            _aq("四十三"),
            _hg("18"),
        ),
        (
            MANAGEMENT,
            "精细化工企业按要求开展反应安全风险评估；新开发工艺经小试、中试、工业化试验，新建装置按试生产方案投料开车",
            _aq("四十一"),
            _hg("19"),
        ),
        (
            MANAGEMENT,
            "对构成重大危险源的危险化学品登记建档，定期检测、评估、监控，制定应急预案并按规定备案",
            _aq("四十"),
        ),
        (
            EQUIPMENT,
            "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离符合国家标准要求",
            f"{WH}第十九条",
            _hg("3"),
        ),
        (
            EQUIPMENT,
            "涉及重点监管危险化工工艺的装置实现自动化控制，设置紧急停车系统并投入使用",
            _aq("三十六"),
            _hg("4"),
        ),
        (
            EQUIPMENT,
            "构成一级、二级重大危险源的危险化学品罐区实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的配备独立的安全仪表系统",
            _aq("四十"),
            _hg("5"),
        ),
        (
            EQUIPMENT,
            "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装使用万向管道充装系统",
            _aq("三十六"),
            _hg("7"),
        ),
        (
            EQUIPMENT,
            "可燃和有毒有害气体泄漏场所按国家标准设置检测报警装置，爆炸危险场所安装使用防爆电气设备",
            _aq("三十六"),
            _hg("12"),
        ),
        (
            EQUIPMENT,
            "控制室或机柜间面向具有火灾、爆炸危险性装置一侧满足国家标准关于防火防爆的要求",
            _aq("三十六"),
            _hg("13"),
        ),
        (
            EQUIPMENT,
            "化工生产装置按国家标准设置双重电源供电，自动化控制系统设置不间断电源",
            _aq("三十六"),
            _hg("14"),
        ),
        (
            EQUIPMENT,
            "安全阀、爆破片等安全附件正常投用，并按期校验",
            _aq("三十六"),
            _hg("15"),
        ),
        (
            EQUIPMENT,
            "未使用淘汰落后安全技术工艺、设备目录列出的工艺、设备",
            _aq("三十八"),
            _hg("11"),
        ),
        (
            ENVIRONMENT,
            "按国家标准分区分类储存危险化学品，不超量、超品种储存，相互禁配物质不混放混存",
            f"{_aq('三十九')}；{WH}第二十四条",
            _hg("20"),
        ),
        (
            ENVIRONMENT,
            "危险化学品包装粘贴或拴挂安全标签，作业场所备有相符的化学品安全技术说明书",
            f"{WH}第十五条",
        ),
        HOT_WORK,
        PROTECTIVE_EQUIPMENT,
        EMERGENCY_PLAN,
        (
            EMERGENCY,
            "建立应急救援组织（或指定兼职应急救援人员），配备必要的应急救援器材、设备和物资并经常性维护保养",
            _aq("八十二"),
        ),
    ],
)

METAL = _checklist(
    "metal",
    "冶金有色行业安全检查表",
    "metal",
    "适用于黑色金属（31）和有色金属（32）冶炼和压延加工；重大事故隐患依据部令第10号第三条、第四条（冶金）、"
    "第五条（有色）判定。",
    [
        (
            MANAGEMENT,
            "金属冶炼企业主要负责人、安全生产管理人员按照规定经考核合格",
            _aq("二十七"),
            _gm("三"),
        ),
        (
            MANAGEMENT,
            "金属冶炼企业设置安全生产管理机构或者配备专职安全生产管理人员",
            _aq("二十四"),
        ),
        (*SPECIAL_OPERATORS, _gm("三")),
        (*CONTRACTORS, _gm("三")),
        TRAINING,
        (
            EQUIPMENT,
            "会议室、活动室、休息室、操作室、交接班室、更衣室等人员聚集场所未设置在铁水、钢水、液渣吊运跨的地坪区域内",
            "《冶金企业和有色金属企业安全生产规定》",
            _gm("四"),
        ),
        (
            EQUIPMENT,
            "吊运铁水、钢水、液渣的起重机符合冶金起重机的相关要求，并定期检验",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "炼钢炉等水冷元件设置出水温度、进出水流量差等监测报警装置，并与炉体倾动、氧枪自动提升、电极自动断电等装置联锁",
            _aq("三十六"),
            _gm("四"),
        ),
        (
            EQUIPMENT,
            "煤气生产、回收净化、加压混合、储存、使用设施附近的人员聚集场所及可能发生煤气泄漏、积聚的部位设置固定式"
            "一氧化碳浓度监测报警装置，监测数据接入24小时有人值守场所",
            _aq("三十六"),
            _gm("四"),
        ),
        (
            EQUIPMENT,
            "加热炉、煤气柜、除尘器等设施以及进入车间前的煤气管道安装隔断装置",
            _aq("三十六"),
            _gm("四"),
        ),
        (
            EQUIPMENT,
            "铝加工深井铸造的结晶器冷却水系统设置进水压力、进水流量监测报警装置，并与快速切断阀、紧急排放阀等联锁",
            _aq("三十六"),
            _gm("五"),
        ),
        (
            EQUIPMENT,
            "熔融有色金属冶炼炉窑、铸造机的水冷元件设置温度、进出水流量差监测报警装置，并设有应急冷却水源",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "盛装铁水、钢水、液渣的罐（包）等容器耳轴按规定定期探伤检测，罐体无严重变形、壳体发红",
            _aq("三十六"),
        ),
        WARNING_SIGNS,
        (
            ENVIRONMENT,
            "生产期间冶炼、精炼和铸造生产区域的事故坑、炉下渣坑，以及熔融金属泄漏和喷溅影响范围内的炉前平台、"
            "炉基区域、吊运和地面运输通道无积水",
            "《冶金企业和有色金属企业安全生产规定》",
            _gm("四"),
        ),
        (
            ENVIRONMENT,
            "带煤气作业、煤气设施动火作业办理审批，落实监护和防中毒措施",
            _aq("四十三"),
        ),
        CONFINED_WORK,
        (
            ENVIRONMENT,
            "为炉前、浇铸等高温岗位配备防喷溅、隔热劳动防护用品，煤气区域作业人员携带一氧化碳检测报警仪",
            _aq("四十五"),
        ),
        EMERGENCY_PLAN,
        (
            EMERGENCY,
            "建立应急救援组织，配备煤气防护、熔融金属喷溅等事故应急救援器材并经常性维护保养",
            _aq("八十二"),
        ),
    ],
)

BUILDING = _checklist(
    "building",
    "建材行业安全检查表",
    "building",
    "适用于非金属矿物制品业（30，不含玻璃制品及日用陶瓷）；重大事故隐患依据部令第10号第三条、第六条判定。",
    [
        (*SPECIAL_OPERATORS, _gm("三")),
        (*CONTRACTORS, _gm("三")),
        TRAINING,
        DUAL_PREVENTION,
        (
            EQUIPMENT,
            "煤磨袋式收尘器、煤粉仓设置温度和固定式一氧化碳浓度监测报警装置，并设置气体灭火装置",
            _aq("三十六"),
            _gm("六"),
        ),
        (
            EQUIPMENT,
            "采用预混燃烧方式的燃气窑炉，燃气总管设置管道压力监测报警装置，并与紧急自动切断装置联锁",
            _aq("三十六"),
            _gm("六"),
        ),
        (
            EQUIPMENT,
            "带式输送机、斗式提升机设置防护罩和急停拉绳开关，运转部位无裸露",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "窑头、窑尾、预热器等高温部位及平台、楼梯设置防护栏杆和安全警示标志",
            _aq("三十五", "三十六"),
        ),
        SPECIAL_EQUIPMENT,
        (
            ENVIRONMENT,
            "筒型储库人工清库作业制定清库方案，落实防止高处坠落、坍塌等安全措施",
            _aq("四十三"),
            _gm("六"),
        ),
        (
            ENVIRONMENT,
            "进入筒型储库、焙烧窑、预热器旋风筒、分解炉、篦冷机、磨机、破碎机前，对可能意外启动的设备和涌入的物料、"
            "高温气体、有毒有害气体采取隔离措施",
            _aq("四十三"),
            _gm("六"),
        ),
        (
            ENVIRONMENT,
            "破碎机、磨机等设备检修时执行停机、断电、上锁挂牌制度",
            _aq("四十四"),
        ),
        HOT_WORK,
        CONFINED_REGISTER,
        CONFINED_WORK,
        (
            ENVIRONMENT,
            "粉尘作业岗位配备防尘口罩等劳动防护用品并督促佩戴",
            _aq("四十五"),
        ),
        EMERGENCY_PLAN,
    ],
)

MACHINERY = _checklist(
    "machinery",
    "机械电子行业安全检查表",
    "machinery",
    "适用于金属制品、通用与专用设备、汽车、电气机械、电子等制造企业（33–40、43）；重大事故隐患依据部令第10号"
    "第三条、第七条及第十一条（金属粉尘）判定。",
    [
        (*SPECIAL_OPERATORS, _gm("三")),
        (*CONTRACTORS, _gm("三")),
        TRAINING,
        DUAL_PREVENTION,
        (
            EQUIPMENT,
            "会议室、活动室、休息室、更衣室、交接班室等人员聚集场所未设置在熔融金属吊运跨或者浇注影响范围内",
            _aq("二十"),
            _gm("七"),
        ),
        (
            EQUIPMENT,
            "吊运熔融金属的起重机符合冶金铸造起重机的相关要求，并在检验有效期内使用",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "铸造熔炼炉的冷却水系统设置温度、进出水流量差监测报警装置，并与熔融金属加热、输送控制系统联锁",
            _aq("三十六"),
            _gm("七"),
        ),
        (
            EQUIPMENT,
            "使用煤气（天然气）的燃烧器（烧嘴）设置火焰监测和熄火保护系统",
            _aq("三十六"),
            _gm("七"),
        ),
        (
            EQUIPMENT,
            "使用非水性漆的调漆间、喷漆室设置固定式可燃气体浓度监测报警装置和通风设施",
            _aq("三十六"),
            _gm("七"),
        ),
        (
            EQUIPMENT,
            "冲压、剪切机械设置光电保护、双手操纵等安全防护装置并有效",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "机械设备的传动带、齿轮、联轴器等外露旋转部位设置防护罩",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "铝镁等金属粉尘的干式除尘系统采取泄爆、惰化、抑爆等爆炸防控措施，未采用正压吹送粉尘",
            _aq("三十六"),
            _gm("十一"),
        ),
        SPECIAL_EQUIPMENT,
        WARNING_SIGNS,
        (
            ENVIRONMENT,
            "铸造熔炼炉炉底、炉坑、事故坑及熔融金属泄漏、喷溅影响范围内的炉前平台、造型地坑、浇注作业坑和转运通道无积水",
            _aq("四十一"),
            _gm("七"),
        ),
        (
            ENVIRONMENT,
            "使用可燃性有机溶剂清洗设备、工装器具、地面时，采取防止可燃气体在周边密闭或半密闭空间内积聚的措施",
            _aq("四十一"),
            _gm("七"),
        ),
        (*HOT_WORK[:2], f"{_aq('四十三')}；{XF}第二十一条"),
        CONFINED_WORK,
        PROTECTIVE_EQUIPMENT,
        EMERGENCY_PLAN,
    ],
)

LIGHT = _checklist(
    "light",
    "轻工烟草行业安全检查表",
    "light",
    "适用于食品、饮料、烟草、木材家具、造纸印刷、橡胶塑料等轻工企业；重大事故隐患依据部令第10号第三条、"
    "第八条（轻工）、第十条（烟草）、第十一条（粉尘涉爆）、第十二条（液氨制冷）、第十三条（有限空间）判定。",
    [
        (*SPECIAL_OPERATORS, _gm("三")),
        (*CONTRACTORS, _gm("三")),
        TRAINING,
        DUAL_PREVENTION,
        (
            EQUIPMENT,
            "食品制造企业烘制、油炸设备设置防过热自动切断装置",
            _aq("三十六"),
            _gm("八"),
        ),
        (
            EQUIPMENT,
            "白酒勾兑、灌装场所和酒库设置乙醇浓度监测报警装置，并与通风设施联锁",
            _aq("三十六"),
            _gm("八"),
        ),
        (
            EQUIPMENT,
            "纸浆制造、造纸企业未使用蒸汽、明火直接加热钢瓶汽化液氯",
            _aq("三十九"),
            _gm("八"),
        ),
        (
            EQUIPMENT,
            "日用玻璃、陶瓷制造企业燃气窑炉设置燃气低压警报器和快速切断阀，易燃易爆气体聚集区域设置监测报警装置",
            _aq("三十六"),
            _gm("八"),
        ),
        (
            EQUIPMENT,
            "木制品加工企业与砂光机连接的风管设置火花探测消除装置，粉碎、研磨等设备前设置铁、石等杂物去除装置",
            _aq("三十六"),
            _gm("十一"),
        ),
        (
            EQUIPMENT,
            "使用液氨制冷的，包装、分割、产品整理场所的空调系统未采用氨直接蒸发制冷",
            _aq("三十九"),
            _gm("十二"),
        ),
        (
            EQUIPMENT,
            "餐饮、食品加工等使用燃气的场所安装可燃气体报警装置并保障其正常使用",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "炼胶机、压延机等设置紧急制动装置，注塑机、模切机安全门联锁有效",
            _aq("三十六"),
        ),
        (
            ENVIRONMENT,
            "快速冻结装置设置在单独的作业间内，作业间内作业人员数量不超过9人",
            _aq("四十一"),
            _gm("十二"),
        ),
        (
            ENVIRONMENT,
            "烟叶熏蒸作业场所配备磷化氢气体浓度检测报警仪器和空气呼吸器，熏蒸作业结束后及时通风换气",
            _aq("四十三", "四十五"),
            _gm("十"),
        ),
        (
            ENVIRONMENT,
            "落实粉尘清理制度，作业现场无严重积尘",
            _aq("四十一"),
            _gm("十一"),
        ),
        (
            ENVIRONMENT,
            "印刷、涂布等使用溶剂型油墨、胶粘剂的场所通风良好，溶剂存放量不超过当班用量",
            _aq("三十九"),
        ),
        CONFINED_WORK,
        (
            ENVIRONMENT,
            "劳动密集型车间和员工宿舍的出口、疏散通道保持畅通，未占用、锁闭、封堵",
            _aq("四十二"),
        ),
        PROTECTIVE_EQUIPMENT,
        EMERGENCY_PLAN,
    ],
)

TEXTILE = _checklist(
    "textile",
    "纺织服装行业安全检查表",
    "textile",
    "适用于纺织业（17）和纺织服装、服饰业（18）；重大事故隐患依据部令第10号第三条、第九条、第十一条、第十三条判定。",
    [
        (*SPECIAL_OPERATORS, _gm("三")),
        (*CONTRACTORS, _gm("三")),
        (
            MANAGEMENT,
            "对新招用、转岗的从业人员（含劳务派遣人员）进行岗前安全培训，建立培训档案",
            _aq("二十八"),
        ),
        DUAL_PREVENTION,
        (
            EQUIPMENT,
            "纱、线、织物加工的烧毛、开幅、烘干等热定型工艺的汽化室、燃气贮罐、储油罐、热媒炉等与生产加工、"
            "人员聚集场所隔离或单独设置",
            _aq("二十"),
            _gm("九"),
        ),
        (
            EQUIPMENT,
            "定型机烘箱、排气管道定期清理油垢和纤维尘，设有温度控制和超温报警",
            _aq("三十六"),
        ),
        (
            EQUIPMENT,
            "梳棉机、并条机、剑杆织机等设备的传动部位设置防护罩，急停装置有效",
            _aq("三十六"),
        ),
        SPECIAL_EQUIPMENT,
        (
            EQUIPMENT,
            "车间按规定配置消防设施、器材并保持完好有效，消火栓未被遮挡、圈占",
            f"{XF}第十六条、第二十八条",
        ),
        (
            ENVIRONMENT,
            "保险粉、双氧水、次氯酸钠、亚氯酸钠、雕白粉（吊白块）未与禁忌物料混合储存，保险粉未露天堆放，"
            "储存场所采取防水防潮措施",
            _aq("三十九"),
            _gm("九"),
        ),
        (
            ENVIRONMENT,
            "落实粉尘清理制度，开清棉、梳理等工序作业现场无严重积尘",
            _aq("四十一"),
            _gm("十一"),
        ),
        (
            ENVIRONMENT,
            "原料、成品仓库与员工宿舍未设在同一座建筑物内，生产车间的出口、疏散通道保持畅通",
            _aq("四十二"),
        ),
        (
            ENVIRONMENT,
            "电气线路规范敷设，未私拉乱接，临时用电经审批",
            _aq("四十三"),
        ),
        CONFINED_REGISTER,
        CONFINED_WORK,
        PROTECTIVE_EQUIPMENT,
        EMERGENCY_PLAN,
    ],
)

SPECIAL = _checklist(
    "special",
    "专项与公用安全检查表",
    "special",
    "粉尘涉爆、液氨制冷、有限空间、特种设备、消防、燃气及商贸仓储等跨行业专项检查；重大事故隐患依据部令第10号"
    "第十一条至第十四条判定。",
    [
        (*CONTRACTORS, _gm("三")),
        (*SPECIAL_OPERATORS, _gm("三")),
        (
            MANAGEMENT,
            "特种设备安全管理人员和作业人员按照国家有关规定取得相应资格",
            TS,
        ),
        (
            EQUIPMENT,
            "粉尘爆炸危险场所未设置在非框架结构的多层建（构）筑物内，场所内未设员工宿舍、会议室、办公室、休息室等人员聚集场所",
            _aq("四十二"),
            _gm("十一"),
        ),
        (
            EQUIPMENT,
            "不同类别的可燃性粉尘、可燃性粉尘与可燃气体未共用一套除尘系统，不同建（构）筑物、不同防火分区的除尘系统未互联互通",
            _aq("三十六"),
            _gm("十一"),
        ),
        (
            EQUIPMENT,
            "干式除尘系统采取泄爆、惰化、抑爆等爆炸防控措施",
            _aq("三十六"),
            _gm("十一"),
        ),
        (
            EQUIPMENT,
            "铝镁等金属粉尘、木质粉尘的干式除尘系统设置锁气卸灰装置；未采用重力沉降室或干式巷道式构筑物除尘",
            _aq("三十六"),
            _gm("十一"),
        ),
        (
            EQUIPMENT,
            "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备符合防爆要求",
            _aq("三十六"),
            _gm("十一"),
        ),
        DEVICES_WORKING,
        SPECIAL_EQUIPMENT,
        (
            EQUIPMENT,
            "使用燃气的场所安装可燃气体报警装置，燃气管道、阀门无泄漏",
            _aq("三十六"),
        ),
        (
            ENVIRONMENT,
            "落实粉尘清理制度，作业现场无严重积尘；遇湿自燃金属粉尘收集、储存场所采取防水防潮、防止氢气积聚措施",
            _aq("四十一"),
            _gm("十一"),
        ),
        (
            ENVIRONMENT,
            "使用液氨制冷的，快速冻结装置设置在单独的作业间内且作业人员不超过9人，包装、分割场所空调未采用氨直接蒸发制冷",
            _aq("三十九"),
            _gm("十二"),
        ),
        CONFINED_REGISTER,
        CONFINED_WORK,
        (
            ENVIRONMENT,
            "疏散通道、安全出口、消防车通道保持畅通，未占用、堵塞、封闭；消防设施、器材未被损坏、挪用或停用",
            f"{XF}第二十八条；{_aq('四十二')}",
        ),
        (
            ENVIRONMENT,
            "商贸、仓储场所物品堆放符合防火间距要求，危险物品仓库未与员工宿舍设在同一建筑物内",
            _aq("四十二"),
        ),
        EMERGENCY_PLAN,
    ],
)

#: The seed, in display order. Group codes are those of experts migration 0002.
CHECKLISTS: list[dict] = [GENERAL, CHEM, METAL, BUILDING, MACHINERY, LIGHT, TEXTILE, SPECIAL]
