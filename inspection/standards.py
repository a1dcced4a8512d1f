"""The store's QC settings, with the defaults a store starts from: the
documented checklist per kind of job (QC-2), which kinds need a road test
(QC-3), the guarantee printed on the card (QC-7), and the spots of the
completed-vehicle area (QC-13)."""

from dataclasses import dataclass

from django.db import transaction

from dealership.checklists import checklist_catalogue
from dealership.models import JobType, Store

from .models import ParkingSpot, QcCheckItem, QcStandard

DEFAULT_QC_CHECKS = {
    JobType.MAINTENANCE: ["机油型号、油位正确，放油螺栓无渗漏", "机滤、空滤、空调滤更换到位", "保养提示已复位",
                          "灯光、雨刮、喇叭工作正常"],
    JobType.BRAKES: ["制动片/盘规格正确，安装牢固", "制动液液位正常，管路无渗漏", "驻车制动有效",
                     "路试制动无跑偏、无异响"],
    JobType.ELECTRICAL: ["故障码已清除，复查无新故障码", "所修电器功能正常", "线束固定良好，无干涉"],
    JobType.ENGINE: ["怠速平稳，无异响", "发动机舱无渗漏", "故障码已清除，复查无新故障码", "路试动力、换挡正常"],
    JobType.TYRES: ["轮胎规格、气压符合标准", "轮毂螺栓按力矩拧紧", "定位/动平衡数据在标准内", "路试无跑偏、无抖动"],
    JobType.BODY_PAINT: ["漆面无色差、流挂、颗粒", "钣金间隙、面差均匀", "拆装件功能正常，无异响"],
    JobType.AIRCON: ["出风温度符合标准", "系统无泄漏", "冷凝器风扇工作正常"],
    JobType.OTHER: ["委托书项目全部完成", "拆装件复位，功能正常"],
}
COMMON_QC_CHECKS = ["车内外清洁，无油污、无遗留物", "三件套已取下，座椅、后视镜复位"]

# Kinds of job whose work shows only on the road.
ROAD_TEST_BY_DEFAULT = {JobType.BRAKES, JobType.ENGINE, JobType.TYRES}

DEFAULT_GUARANTEE = {
    JobType.MAINTENANCE: (3, 5000, "保养所用机油、滤清器等材料及工时在保证期内出现质量问题，免费返修。"),
    JobType.BRAKES: (6, 10000, "制动系统维修所换零件及工时在保证期内出现质量问题，免费返修；制动片正常磨损除外。"),
    JobType.ELECTRICAL: (6, 10000, "所修电器故障在保证期内复发，免费检查返修。"),
    JobType.ENGINE: (12, 20000, "发动机及传动系统维修项目在保证期内出现同一故障，免费返修。"),
    JobType.TYRES: (3, 5000, "轮胎拆装、动平衡、四轮定位工时质量保证；轮胎正常磨损及人为损伤除外。"),
    JobType.BODY_PAINT: (12, 0, "钣金喷漆在保证期内出现起泡、脱落、明显色差，免费返修；碰撞、划伤除外。"),
    JobType.AIRCON: (6, 10000, "空调系统维修项目在保证期内出现泄漏或同一故障，免费返修。"),
    JobType.OTHER: (3, 5000, "维修项目在保证期内出现同一质量问题，免费返修。"),
}
DEFAULT_SPOTS = [f"竣工区{i:02d}" for i in range(1, 21)]


def qc_checklist_catalogue(*, store: Store) -> dict[str, list[str]]:
    """Every kind of job's QC checklist for the store, in one query."""
    rows = QcCheckItem.objects.filter(store=store).values_list("job_type", "label", "active")
    return checklist_catalogue(rows, DEFAULT_QC_CHECKS)


@dataclass(frozen=True)
class Standard:
    job_type: str
    road_test_required: bool
    guarantee_months: int
    guarantee_km: int
    guarantee_terms: str


def qc_standards(*, store: Store) -> dict[str, Standard]:
    """Road test and guarantee per kind of job: the store's rows, else the defaults."""
    own = {s.job_type: s for s in QcStandard.objects.filter(store=store)}
    out = {}
    for job_type in JobType.values:
        if job_type in own:
            s = own[job_type]
            out[job_type] = Standard(job_type, s.road_test_required, s.guarantee_months, s.guarantee_km,
                                     s.guarantee_terms or DEFAULT_GUARANTEE[job_type][2])
        else:
            months, km, terms = DEFAULT_GUARANTEE[job_type]
            out[job_type] = Standard(job_type, job_type in ROAD_TEST_BY_DEFAULT, months, km, terms)
    return out


def parking_spots(*, store: Store) -> list[ParkingSpot]:
    """The store's spots in the completed-vehicle area; the default row is
    created the first time a store needs it (so spots can be locked)."""
    spots = list(ParkingSpot.objects.filter(store=store, active=True).order_by("id"))
    if not spots and not ParkingSpot.objects.filter(store=store).exists():
        with transaction.atomic():
            ParkingSpot.objects.bulk_create([ParkingSpot(store=store, name=name) for name in DEFAULT_SPOTS],
                                            ignore_conflicts=True)
        spots = list(ParkingSpot.objects.filter(store=store, active=True).order_by("id"))
    return spots
