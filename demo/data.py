"""The demo dealer group: names, cars and a realistic catalogue in Chinese."""

from decimal import Decimal as D

from dealership.models import JobType, Trade

PASSWORD = "demo-pass-2026"

STORES = [
    {"code": "TH", "name": "广州天河4S店", "address": "广州市天河区黄埔大道西100号", "phone": "020-38880000"},
    {"code": "PY", "name": "广州番禺4S店", "address": "广州市番禺区迎宾路200号", "phone": "020-34560000"},
]

# (username, display name, roles, trade); store 1 has every role, store 2 a team.
STAFF_TH = [
    ("agent", "林晓雯", ["appointment_agent"], ""),
    ("advisor", "王建国", ["service_advisor"], "mechanical"),
    ("advisor2", "陈丽娜", ["service_advisor"], "quick"),
    ("assistant", "赵敏", ["service_assistant"], ""),
    ("tech", "李师傅", ["technician"], "mechanical"),
    ("tech2", "张师傅", ["technician"], "quick"),
    ("tech3", "王师傅", ["technician"], "mechanical"),
    ("tech4", "赵师傅", ["technician"], "body"),
    ("tech5", "钱师傅", ["technician"], "mechanical"),
    ("tech6", "孙师傅", ["technician"], "body"),
    ("foreman", "刘工长", ["foreman"], "mechanical"),
    ("expert", "孙专家", ["technical_expert"], "mechanical"),
    ("parts", "周备件", ["parts_clerk"], ""),
    ("partsmgr", "陈配件", ["parts_manager", "parts_clerk"], ""),
    ("qc", "吴质检", ["qc_inspector"], ""),
    ("cashier", "郑收银", ["cashier"], ""),
    ("followup", "何回访", ["followup_agent"], ""),
    ("guard", "马门卫", ["gate_guard"], ""),
    ("manager", "黄经理", ["aftersales_manager"], ""),
    ("warranty", "曹索赔", ["warranty_assessor"], ""),
]
STAFF_PY = [
    ("py_advisor", "罗志强", ["service_advisor"], "mechanical"),
    ("py_tech", "高师傅", ["technician"], "mechanical"),
    ("py_tech2", "陆师傅", ["technician"], "quick"),
    ("py_tech3", "钟师傅", ["technician"], "body"),
    ("py_foreman", "韩工长", ["foreman"], "mechanical"),
    ("py_qc", "梁质检", ["qc_inspector"], ""),
    ("py_parts", "林备件", ["parts_clerk"], ""),
    ("py_cashier", "宋收银", ["cashier"], ""),
    ("py_manager", "谢经理", ["aftersales_manager"], ""),
]
# Where the demo's parts come from (issue 19): the maker's parts centre, two days away, and a local supplier the
# same day at a higher price.
SUPPLIERS = [("厂家配件中心", "maker", 2, "400-800-1234"), ("本地汽配城", "local", 0, "020-8888-6666")]
GROUP_MANAGER = ("group", "冯总", ["group_manager"], "")

LABOUR = [
    ("M001", "更换机油机滤", Trade.QUICK, JobType.MAINTENANCE, D("0.5"), D("120")),
    ("M002", "常规保养(小保养)", Trade.QUICK, JobType.MAINTENANCE, D("0.8"), D("200")),
    ("M003", "全面保养(大保养)", Trade.MECHANICAL, JobType.MAINTENANCE, D("1.5"), D("450")),
    ("B001", "更换前刹车片", Trade.MECHANICAL, JobType.BRAKES, D("1.0"), D("280")),
    ("B002", "更换后刹车片", Trade.MECHANICAL, JobType.BRAKES, D("1.0"), D("280")),
    ("B003", "更换刹车油", Trade.MECHANICAL, JobType.BRAKES, D("0.8"), D("180")),
    ("T001", "四轮定位", Trade.MECHANICAL, JobType.TYRES, D("1.0"), D("260")),
    ("T002", "轮胎动平衡(四轮)", Trade.QUICK, JobType.TYRES, D("0.5"), D("80")),
    ("T003", "更换轮胎(单条)", Trade.QUICK, JobType.TYRES, D("0.3"), D("50")),
    ("E001", "蓄电池检测与更换", Trade.QUICK, JobType.ELECTRICAL, D("0.3"), D("60")),
    ("E002", "电脑故障诊断", Trade.MECHANICAL, JobType.ELECTRICAL, D("0.5"), D("150")),
    ("A001", "空调检测与加注冷媒", Trade.MECHANICAL, JobType.AIRCON, D("1.0"), D("280")),
    ("G001", "发动机异响检查", Trade.MECHANICAL, JobType.ENGINE, D("1.0"), D("280")),
    ("P001", "钣金喷漆(单面)", Trade.BODY, JobType.BODY_PAINT, D("4.0"), D("1200")),
]

PARTS = [
    ("06L115562B", "机油滤清器", "个", D("68"), D("40")),
    ("G052195M4", "全合成机油 5W-30 (4L)", "桶", D("398"), D("30")),
    ("5Q0129620D", "空气滤清器", "个", D("128"), D("15")),
    ("5Q0819653", "空调滤清器", "个", D("98"), D("20")),
    ("5Q0698151AD", "前刹车片(套)", "套", D("680"), D("6")),
    ("5Q0698451M", "后刹车片(套)", "套", D("520"), D("4")),
    ("B000750M3", "刹车油 DOT4 (1L)", "瓶", D("88"), D("25")),
    ("101905617C", "火花塞", "个", D("85"), D("32")),
    ("JZW915105", "蓄电池 60Ah", "个", D("780"), D("3")),
    ("MICH2254517", "米其林轮胎 225/45R17", "条", D("980"), D("8")),
    ("5G1998002", "雨刮片(对)", "对", D("168"), D("10")),
    ("R134A-500", "空调冷媒 R134a", "瓶", D("180"), D("12")),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志明", "文博", "子涵", "雨桐", "浩然", "欣怡"]
CARS = [
    ("大众", "迈腾 2.0T", "LFV"), ("大众", "帕萨特 330TSI", "LSV"), ("丰田", "凯美瑞 2.5L", "LVG"),
    ("本田", "雅阁 1.5T", "LHG"), ("别克", "君越 28T", "LSG"), ("宝马", "530Li", "LBV"),
    ("奥迪", "A6L 45TFSI", "LFV"), ("日产", "天籁 2.0L", "LGB"), ("比亚迪", "汉EV", "LGX"),
    ("特斯拉", "Model 3", "LRW"),
]
COMPLAINTS = [
    "早上冷车启动时发动机有异响,持续十几秒",
    "刹车时有吱吱声,踩刹车感觉比以前软",
    "到保养里程了,做个常规保养",
    "空调不太凉,出风有异味",
    "仪表盘发动机故障灯亮了",
    "高速行驶时方向盘有点抖",
    "左前门被刮了一道,想补漆",
    "电瓶好像没电了,早上打火困难",
]
