"""Fixed facts and the weights the demo generator draws from.

Public facts (REFERENCE §1): the district 武进区 (GB/T 2260 code 320412), its agency and its 14 boards with
their statistical division codes. 南夏墅街道 and 西湖街道 have no separate statistical code, so the demo
gives them FICTITIOUS codes 320412190 and 320412191, chosen outside every 320412xxx code the national
statistics lists have used (001–003, 100–122, 400, 411–413). Everything else — people, enterprises,
experts, numbers — is made up; the weights only aim at a plausible shape for a manufacturing district.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhifa.orgs.choices import RegionKind

DISTRICT_CODE = "320412"
DISTRICT_NAME = "武进区"
DISTRICT_SHORT = "武"
DISTRICT_AGENCY = "常州市武进区应急管理局"
CERTIFICATE_ISSUER = "常州市武进区人民政府"
#: Shown after every fictitious enterprise and employer name, so no one mistakes one for a real firm.
MARK = "（演示）"
FICTITIOUS_NOTE = "虚构演示数据"


@dataclass(frozen=True)
class BoardSpec:
    name: str
    suffix: str  # the last three digits of the 9-digit code
    kind: str
    short_name: str
    weight: int  # share of the district's enterprises, in percent
    fictitious_code: bool = False


BOARDS: tuple[BoardSpec, ...] = (
    BoardSpec("湖塘镇", "100", RegionKind.TOWN, "湖塘", 12),
    BoardSpec("牛塘镇", "102", RegionKind.TOWN, "牛塘", 8),
    BoardSpec("洛阳镇", "103", RegionKind.TOWN, "洛阳", 8),
    BoardSpec("雪堰镇", "110", RegionKind.TOWN, "雪堰", 7),
    BoardSpec("前黄镇", "113", RegionKind.TOWN, "前黄", 7),
    BoardSpec("礼嘉镇", "114", RegionKind.TOWN, "礼嘉", 7),
    BoardSpec("嘉泽镇", "119", RegionKind.TOWN, "嘉泽", 6),
    BoardSpec("湟里镇", "120", RegionKind.TOWN, "湟里", 6),
    BoardSpec("南夏墅街道", "190", RegionKind.STREET, "南夏墅", 6, fictitious_code=True),
    BoardSpec("西湖街道", "191", RegionKind.STREET, "西湖", 4, fictitious_code=True),
    BoardSpec("武进经济开发区", "400", RegionKind.ZONE, "经开", 10),
    BoardSpec("高新区", "411", RegionKind.ZONE, "高新", 12),
    BoardSpec("西太湖生态休闲区", "412", RegionKind.ZONE, "西太湖", 4),
    BoardSpec("太湖旅游度假区", "413", RegionKind.ZONE, "太湖", 3),
)

#: Suffixes used by real 320412xxx codes (incl. the boards run by 常州经开区) or by the demo itself;
#: ``zhifa synth`` takes the codes of its extra boards from what is left.
RESERVED_SUFFIXES = frozenset(
    {f"{n:03d}" for n in range(0, 4)}
    | {f"{n:03d}" for n in range(100, 123)}
    | {"190", "191", "400", "411", "412", "413"}
)


def synthetic_suffixes() -> list[str]:
    """Free 3-digit suffixes for the boards of synthetic copies, in a fixed order."""
    order = [
        *range(500, 1000),
        *range(200, 400),
        *range(130, 190),
        *range(192, 200),
        *range(414, 500),
        *range(4, 100),
    ]
    return [f"{n:03d}" for n in order if f"{n:03d}" not in RESERVED_SUFFIXES]


#: Relative number of enterprises per GB/T 4754 division: mostly manufacturing (13–43), machinery
#: heaviest, then textiles, rubber/plastics and chemicals; some utilities, trade and warehousing.
DIVISION_WEIGHTS: dict[str, float] = {
    "13": 1.0,
    "14": 0.8,
    "15": 0.3,
    "17": 7.0,
    "18": 4.0,
    "19": 0.5,
    "20": 1.5,
    "21": 1.5,
    "22": 1.0,
    "23": 1.5,
    "24": 1.5,
    "25": 0.2,
    "26": 4.0,
    "27": 0.8,
    "28": 0.8,
    "29": 6.0,
    "30": 3.0,
    "31": 0.8,
    "32": 1.2,
    "33": 10.0,
    "34": 12.0,
    "35": 7.0,
    "36": 4.0,
    "37": 1.5,
    "38": 9.0,
    "39": 3.0,
    "40": 1.0,
    "41": 0.5,
    "42": 0.5,
    "43": 0.5,
    "44": 0.3,
    "45": 0.3,
    "46": 0.2,
    "51": 4.0,
    "52": 2.5,
    "59": 1.5,
}
#: Classes never drawn (no such plants in the district; 烟花爆竹 shops are added separately).
EXCLUDED_CLASSES = frozenset({"2530", "2671", "2672"})
#: Classes drawn more often than their siblings within a division (class weight, default 1).
CLASS_WEIGHTS: dict[str, float] = {
    "5162": 8,
    "5169": 12,
    "5164": 12,
    "5165": 8,
    "5174": 12,
    "5175": 8,
    "5172": 6,
    "5265": 30,
    "5266": 4,
    "5212": 6,
    "5281": 8,
    "5263": 6,
    "5920": 30,
    "5930": 10,
    "5941": 6,
    "5942": 6,
    "5910": 8,
}
#: Probability that an enterprise of a class (longest matching prefix) is a 危险化学品 enterprise.
HAZCHEM_PROBABILITY: dict[str, float] = {
    "25": 0.8,
    "261": 0.75,
    "262": 0.6,
    "263": 0.8,
    "264": 0.7,
    "265": 0.75,
    "266": 0.6,
    "268": 0.15,
    "267": 0.3,
    "27": 0.25,
    "28": 0.15,
    "5162": 1.0,
    "5169": 0.8,
    "5265": 1.0,
    "5266": 1.0,
    "5941": 1.0,
    "5942": 1.0,
}
COMMERCE_DIVISIONS = frozenset({"51", "52", "59"})
UTILITY_DIVISIONS = frozenset({"44", "45", "46"})
#: 烟花爆竹 retail and wholesale shops per 1,000 enterprises, and their classes.
FIREWORKS_PER_MILLE = 1.0
FIREWORKS_CLASSES = ("5239", "5239", "5239", "5149")

#: Trade words for enterprise names, by class or division.
TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "13": ("粮油", "饲料", "农产品加工"),
    "14": ("食品", "乳业", "调味品"),
    "15": ("饮料", "酒业", "茶业"),
    "17": ("纺织", "织造", "印染", "纱线", "家纺"),
    "18": ("服饰", "制衣", "服装"),
    "19": ("皮革", "鞋业"),
    "20": ("木业", "竹木制品"),
    "21": ("家具", "家居"),
    "22": ("纸业", "包装材料"),
    "23": ("印务", "彩印"),
    "24": ("文体用品", "工艺品", "体育器材"),
    "25": ("石化", "燃料"),
    "26": ("化工", "新材料", "精细化工", "涂料"),
    "27": ("药业", "制药", "生物医药"),
    "28": ("化纤", "合成纤维"),
    "29": ("塑业", "橡塑", "塑料制品"),
    "30": ("建材", "新型建材", "耐火材料", "玻璃制品"),
    "31": ("钢业", "特钢", "钢管"),
    "32": ("铝业", "铜业", "金属材料"),
    "33": ("金属制品", "五金", "紧固件", "钢结构"),
    "34": ("机械", "通用设备", "泵阀", "轴承", "动力机械"),
    "35": ("专用设备", "机械设备", "智能装备"),
    "36": ("汽车部件", "汽车零部件", "车辆配件"),
    "37": ("轨道交通设备", "船舶配件", "车辆"),
    "38": ("电气", "电机", "电缆", "电器", "新能源"),
    "39": ("电子", "光电", "电子科技"),
    "40": ("仪器仪表", "仪表", "测控"),
    "41": ("制品", "实业"),
    "42": ("再生资源", "资源利用"),
    "43": ("设备维修", "机电维修"),
    "44": ("热电", "能源"),
    "45": ("燃气", "天然气"),
    "46": ("水务", "供水"),
    "51": ("贸易", "商贸", "物资"),
    "52": ("商贸", "超市", "商行"),
    "59": ("仓储", "物流", "储运"),
    "5162": ("石油化工", "油品贸易"),
    "5169": ("化工贸易", "化学品"),
    "5265": ("加油站",),
    "5266": ("加气站",),
    "5941": ("油气储运",),
    "5942": ("危化品仓储",),
    "5239": ("烟花爆竹经营部",),
    "5149": ("烟花爆竹批发",),
}
#: Characters of made-up brand names (字号), two at a time.
BRAND_CHARS = (
    "华恒鑫瑞达盛丰源宏兴泰博创新金隆昌茂裕亿嘉宇正通远益腾润晟凯永顺佳联晨德科精力"
    "海天和安信立诚志伟明辉光耀祥发荣旺星卓越同舟振中东方南北航鼎铭佑康"
)
PLACE_PREFIXES = (("常州", 40), ("常州市", 10), ("江苏", 15), ("武进", 10), ("", 25))
COMPANY_FORMS = (("有限公司", 85), ("股份有限公司", 5), ("实业有限公司", 6), ("厂", 4))

STREETS = (
    "人民路",
    "长虹路",
    "花园街",
    "延政路",
    "常武路",
    "武宜路",
    "湖滨路",
    "龙城大道",
    "礼河路",
    "滆湖路",
    "阳湖路",
    "淹城路",
    "武南路",
    "锦绣路",
    "凤苑路",
    "兴业路",
    "工业园路",
    "创业路",
    "科技路",
    "振兴路",
    "前进路",
    "环镇路",
    "永安路",
    "东方路",
    "新华路",
    "南河路",
    "西湖路",
    "太湖路",
    "鸣新路",
    "汇丰路",
)

EXPERT_GROUP_SIZES: dict[str, int] = {
    "chem": 32,
    "metal": 14,
    "building": 12,
    "machinery": 42,
    "light": 24,
    "textile": 13,
    "special": 18,
}
#: Experts (per district) who also sit in a second group, and which second groups suit each first one.
EXPERTS_IN_TWO_GROUPS = 18
SECOND_GROUPS: dict[str, tuple[str, ...]] = {
    "chem": ("special", "light"),
    "metal": ("machinery", "special"),
    "building": ("special", "light"),
    "machinery": ("metal", "special"),
    "light": ("special", "textile"),
    "textile": ("light", "special"),
    "special": ("chem", "machinery"),
}
GROUP_QUALIFICATIONS: dict[str, tuple[str, ...]] = {
    "chem": ("注册安全工程师（化工安全）", "注册化工工程师", "危险化学品安全评价师"),
    "metal": ("注册安全工程师（金属冶炼安全）", "冶金工程高级工程师"),
    "building": ("注册安全工程师（其他安全）", "建材工程高级工程师"),
    "machinery": ("注册安全工程师（其他安全）", "机械工程高级工程师", "注册电气工程师"),
    "light": ("注册安全工程师（其他安全）", "轻工工程高级工程师"),
    "textile": ("注册安全工程师（其他安全）", "纺织工程高级工程师"),
    "special": ("一级注册消防工程师", "特种设备检验师", "注册安全工程师（其他安全）", "燃气工程高级工程师"),
}
EXPERT_TITLES = (
    ("高级工程师", 50),
    ("正高级工程师", 10),
    ("工程师", 25),
    ("教授", 5),
    ("副教授", 5),
    ("高级技师", 5),
)
CONFLICT_REASONS = (
    "近三年内为该企业提供过安全评价服务",
    "近亲属在该企业任职",
    "曾在该企业任职（离职未满三年）",
    "与该企业存在安全咨询服务合同",
)
#: Employers of the expert pool: (kind, USCC registration+type prefix, name pattern, how many).
EMPLOYER_KINDS = (
    ("consult", "91", "{place}{brand}安全技术咨询有限公司", 14),
    ("evaluate", "91", "江苏{brand}安全评价有限公司", 6),
    ("design", "91", "常州{brand}工程设计研究院有限公司", 4),
    ("college", "12", "常州{brand}职业技术学院", 3),
    ("inspect", "91", "常州{brand}特种设备检测有限公司", 3),
    ("enterprise", "91", "常州{brand}{trade}有限公司", 10),
)
#: Division codes (GB/T 2260) of Changzhou used in the employers' USCCs.
EMPLOYER_AREAS = ("320412", "320412", "320402", "320404", "320411", "320413")
