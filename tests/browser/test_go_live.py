"""Issue 18, "How it will be checked": from an empty database, a dealership goes live through its pages.

`manage.py setup_dealership` creates the group, the store and its after-sales manager (the first-run path); from
then on everything is done in the browser as a new manager would: the opening hours and the labour rate on the
store's page, two advisors and two technicians (and the people who inspect and take the money) on the staff
pages, a job type's self-check list, a parking spot, the catalogue imported from an .xlsx file whose one bad
row is corrected after the dry run, and the opening stock. The checklist then says the store can take bookings,
and a first car is booked, received, repaired, inspected and billed at the imported prices. Each new person first replaces the
password the manager gave them."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dealership.imports.workbook import xlsx_bytes
from dealership.models import Customer, LabourOperation, Part, Role, Store, User, WorkOrder
from settlement.models import Statement

from .conftest import DESKTOP, TABLET, answer_checklist, draw_signature, qc_answer
from .test_walkthrough import morning  # noqa: F401 - tomorrow 08:00, ticking: the fixture the booking needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER_PASSWORD = "Tianhe-first-2026"
TEMP_PASSWORD = "Temp-Pass-2026"
OWN_PASSWORD = "Mine-2026-good"


def open_page(browser, live_server, viewport=DESKTOP):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    return page


def sign_in(browser, live_server, username: str, password: str, viewport=DESKTOP):
    page = open_page(browser, live_server, viewport)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/login" not in page.url, page.locator("main").inner_text()
    return page


def first_sign_in(browser, live_server, username: str, viewport=DESKTOP):
    """A new person signs in with the password their manager gave and must pick their own before anything else."""
    page = sign_in(browser, live_server, username, TEMP_PASSWORD, viewport)
    expect(page.locator("[data-testid=must-change-password]")).to_be_visible()
    page.fill("#id_old_password", TEMP_PASSWORD)
    page.fill("#id_new_password1", OWN_PASSWORD)
    page.fill("#id_new_password2", OWN_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=password-change] button[type=submit]")
    assert not User.objects.get(username=username).must_change_password
    return page


def add_person(page, live_server, *, username: str, name: str, roles: list[str], trade: str) -> None:
    page.goto(f"{live_server.url}/staff/")
    page.click("[data-testid=staff-new]")
    page.fill("#id_username", username)
    page.fill("#id_display_name", name)
    page.fill("#id_phone", "13900001111")
    for role in roles:
        page.check(f"input[name=roles][value={role}]")
    page.select_option("#id_trade", trade)
    page.fill("#id_password", TEMP_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=staff-form] button[type=submit]")
    expect(page.locator("[data-testid=staff-list]")).to_contain_text(name)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the store's price lists as its old system exported them (the import's Chinese column names)
LABOUR_HEAD = ["工时代码", "名称", "工种", "作业类型", "标准工时", "价格"]
LABOUR = [("M001", "更换机油机滤", "机电", "保养", 0.8, 288), ("B001", "更换前刹车片", "机电", "制动", 1, 360)]
PARTS_HEAD = ["配件编号", "名称", "单位", "价格"]


def upload(page, kind: str, name: str, data: bytes) -> None:
    """Choose the kind and the file: the dry run checks it and shows its report."""
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_navigation():
        page.click("[data-testid=import-form] button[type=submit]")


def import_file(page, kind: str, name: str, data: bytes) -> None:
    """A clean file: the dry run refuses nothing, the manager imports it and the page follows it to done."""
    upload(page, kind, name, data)
    expect(page.locator("[data-testid=import-checked]")).to_be_visible()
    with page.expect_navigation():
        page.click("[data-testid=import-start]")
    expect(page.locator("[data-testid=import-progress]")).to_have_attribute("data-status", "done")


def test_a_dealership_goes_live_from_an_empty_database(browser, live_server, morning, shot):  # noqa: F811
    assert not Store.objects.exists() and not User.objects.exists()  # nothing: no demo, no fixtures
    call_command("setup_dealership", interactive=False, password_stdin=True, group="粤通汽车服务集团",
                 store="广州天河4S店", store_code="TH", manager_username="huang", manager_name="黄经理",
                 stdin=io.StringIO(MANAGER_PASSWORD + "\n"), stdout=io.StringIO())
    store = Store.objects.get()
    assert store.setup_pending

    # The manager signs in and starts on the setup checklist.
    page = sign_in(browser, live_server, "huang", MANAGER_PASSWORD)
    checklist = page.locator("[data-testid=setup-checklist]")
    for key in ("hours", "advisors", "technicians", "labour_rate", "labour_operations"):
        expect(checklist.locator(f"[data-key={key}]")).to_be_visible()
    shot(page, "go-live-01-checklist")

    # Opening hours: 08:00 to 18:00 every day (saving them confirms them); the labour rate on the same page.
    checklist.locator("[data-key=hours] a").click()
    for weekday in range(7):
        page.fill(f"#id_d{weekday}_opens", "08:00")
        page.fill(f"#id_d{weekday}_closes", "18:00")
    with page.expect_navigation():
        page.click("[data-testid=store-hours] button[type=submit]")
    page.fill("#id_labour_rate", "360.00")
    with page.expect_navigation():
        page.click("[data-testid=store-settings] button[type=submit]")
    store.refresh_from_db()
    assert store.hours_confirmed and store.labour_rate_confirmed and store.labour_rate == Decimal("360.00")
    shot(page, "go-live-02-store-settings")

    # A parking spot for finished cars (the inspector parks the car there).
    page.click("a[href$='/spots/']")
    page.fill("#id_new-name", "竣工区01")
    with page.expect_navigation():
        page.click("[data-testid=place-add] button[type=submit]")

    # Two advisors, two technicians, the workshop foreman who also inspects, and the cashier who also keeps the parts.
    add_person(page, live_server, username="wangfang", name="王芳", roles=[Role.SERVICE_ADVISOR], trade="mechanical")
    add_person(page, live_server, username="zhaolei", name="赵磊", roles=[Role.SERVICE_ADVISOR], trade="body")
    add_person(page, live_server, username="liqiang", name="李强", roles=[Role.TECHNICIAN], trade="mechanical")
    add_person(page, live_server, username="sunwei", name="孙伟", roles=[Role.TECHNICIAN], trade="mechanical")
    add_person(page, live_server, username="zhoujie", name="周杰", roles=[Role.FOREMAN, Role.QC_INSPECTOR],
               trade="mechanical")
    add_person(page, live_server, username="qianli", name="钱丽", roles=[Role.CASHIER, Role.PARTS_CLERK], trade="")
    shot(page, "go-live-03-staff")

    # A job type's self-check list: maintenance gets the store's own item (REP-15).
    page.goto(f"{live_server.url}/workshop/settings/self-checks/maintenance/")
    expect(page.locator("[data-testid=checklist-default]")).to_be_visible()
    page.fill("[data-testid=checklist-add] input[name=label]", "轮胎气压已按标准复位")
    with page.expect_navigation():
        page.click("[data-testid=checklist-add] button[type=submit]")
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("轮胎气压已按标准复位")
    shot(page, "go-live-04-self-check")

    # The catalogue, imported from the old system's .xlsx: the dry run finds the bad row, nothing is written;
    # the corrected file goes in.
    page.goto(f"{live_server.url}/imports/")
    import_file(page, "labour", "工时价格.xlsx", xlsx_bytes(LABOUR_HEAD, LABOUR))
    expect(page.locator("[data-testid=import-result]")).to_contain_text("2")
    rows = [("0W20-4L", "全合成机油 0W-20 4L", "瓶", "三百九十八"), ("OF-1001", "机油滤清器", "个", "68.00")]
    page.goto(f"{live_server.url}/imports/")
    upload(page, "parts", "配件价格.xlsx", xlsx_bytes(PARTS_HEAD, rows))
    errors = page.locator("[data-testid=import-errors]")
    expect(errors).to_contain_text("三百九十八")
    expect(errors.locator("tbody tr")).to_have_count(1)
    shot(page, "go-live-04b-dry-run")
    assert not Part.objects.filter(store=store).exists()  # the dry run wrote nothing
    page.click("text=上传更正后的文件")
    rows[0] = ("0W20-4L", "全合成机油 0W-20 4L", "瓶", "398.00")
    import_file(page, "parts", "配件价格.xlsx", xlsx_bytes(PARTS_HEAD, rows))
    shot(page, "go-live-04c-imported")
    page.goto(f"{live_server.url}/imports/")  # and what is on the shelves today
    import_file(page, "stock", "期初库存.xlsx", xlsx_bytes(["配件编号", "库存数量"], [("0W20-4L", 12), ("OF-1001", 20)]))
    assert LabourOperation.objects.get(store=store, code="B001").price == Decimal("360.00")
    assert Part.objects.get(store=store, number="0W20-4L").price == Decimal("398.00")
    assert Part.objects.get(store=store, number="0W20-4L").on_hand == 12

    page.goto(f"{live_server.url}/setup/")
    expect(page.locator("[data-testid=setup-done]")).to_be_visible()
    store.refresh_from_db()
    assert not store.setup_pending
    shot(page, "go-live-05-ready")

    # The first car: booked by an advisor (their first sign-in), with the imported operation and part.
    oil_change = LabourOperation.objects.get(store=store, code="M001")
    oil = Part.objects.get(store=store, number="0W20-4L")
    advisor = User.objects.get(username="wangfang")
    page = first_sign_in(browser, live_server, "wangfang")
    page.goto(f"{live_server.url}/appointments/new/")
    page.fill("#id_car-plate", "粤A88888")
    page.fill("#id_car-vin", "1M8GDM9AXKP042788")
    page.fill("#id_car-make", "丰田")
    page.fill("#id_car-model", "凯美瑞 2.5L")
    page.fill("#id_car-customer_name", "刘洋")
    page.select_option("#id_car-title", "mr")
    page.fill("#id_car-mobile", "13812345678")
    page.fill("#id_customer_words", "到了保养里程")
    page.fill("#id_pre_diagnosis", "常规保养,更换机油机滤")
    page.select_option("#id_labour_operations", str(oil_change.pk))
    page.select_option("#id_parts", str(oil.pk))
    page.select_option("#id_advisor", str(advisor.pk))
    page.fill("#id_day", morning.isoformat())
    page.locator("#id_day").dispatch_event("change")
    expect(page.locator("#slot-overview")).to_contain_text(morning.strftime("%m-%d"))
    page.wait_for_load_state("networkidle")
    page.click(".slot[data-time='09:00']")
    expect(page.locator("#id_slot")).to_have_value("09:00")
    page.click("main form button[type=submit]")
    told = page.locator("[data-testid=tell-customer]")
    told.wait_for()
    assert "686.00" in told.inner_text()  # 288 + 398, the imported prices
    shot(page, "go-live-06-booked")

    # Received: the walk-around, the order signed.
    page.goto(f"{live_server.url}/")
    page.locator("[data-testid=arrivals] form button").click()
    page.wait_for_url("**/reception/orders/**")
    page.fill("#id_diagnosis", "保养到期,机油机滤更换")
    page.fill("#id_promised_at", f"{morning.isoformat()}T17:00")
    page.select_option("#id_customer_waits", "0")
    page.click("form[action$='/details/'] button[type=submit]")
    expect(page.locator("#section-details [role=status]")).to_be_visible()
    page.fill("#id_mileage", "30120")
    page.select_option("#id_fuel_level", "50")
    for box in ("#id_valuables_reminded", "#id_seat_cover", "#id_wheel_cover", "#id_floor_mat"):
        page.check(box)
    page.fill("#id_key_tag", "K01")
    answer_checklist(page)
    page.click("form[action$='/walkaround/'] button[type=submit]")
    expect(page.locator("#section-walkaround [role=status]")).to_be_visible()
    expect(page.locator("[data-testid=order-total]")).to_contain_text("686.00")
    page.check("#id_explained")
    page.fill("#id_customer_signed_name", "刘洋")
    draw_signature(page, "canvas[data-signature-for=id_customer_signature]")
    draw_signature(page, "canvas[data-signature-for=id_advisor_signature]")
    page.click("form[action$='/sign/'] button[type=submit]")
    page.wait_for_selector("a[href$='/print/?copy=customer']")
    order = WorkOrder.objects.get()
    assert order.status == WorkOrder.Status.SIGNED and order.customer == Customer.objects.get(mobile="13812345678")
    shot(page, "go-live-07-signed")

    # Dispatched by the foreman, repaired by a technician on the tablet, the part issued, inspected.
    page = first_sign_in(browser, live_server, "zhoujie")
    page.goto(f"{live_server.url}/workshop/dispatch/")
    row = page.locator("[data-testid=dispatch] tr", has_text="更换机油机滤")
    row.locator("select[name=technician]").select_option(str(User.objects.get(username="liqiang").pk))
    row.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=loads]")).to_contain_text("0.80")
    page = first_sign_in(browser, live_server, "liqiang", TABLET)
    job = page.locator("[data-testid=my-job]")
    expect(job).to_contain_text("更换机油机滤")
    job.locator("form[action$='/clock-on/'] button").click()
    expect(job.locator("[data-testid=job-state]")).to_contain_text("作业中")
    job.locator("form[action$='/parts/'] button").click()
    expect(job).to_contain_text("等待发料")
    expect(job).to_contain_text("轮胎气压已按标准复位")  # the store's own self-check item is on the list
    for box in job.locator("[data-testid=finish-form] input[type=checkbox]").all():
        box.check()
    job.locator("[data-testid=finish-form] textarea").fill("更换机油机滤,检查无渗漏")
    draw_signature(page, "canvas[data-signature-for^=id_job]")
    job.locator("[data-testid=finish-form] button[type=submit]").click()
    expect(page.locator("[data-testid=job-done]")).to_be_visible()
    shot(page, "go-live-08-technician")
    clerk = first_sign_in(browser, live_server, "qianli")
    clerk.goto(f"{live_server.url}/workshop/parts/")
    shot(clerk, "go-live-08b-parts-counter")
    clerk.locator("[data-testid=requisitions] form button").first.click()
    expect(clerk.locator("[data-testid=requisitions] form")).to_have_count(0)
    page = sign_in(browser, live_server, "zhoujie", OWN_PASSWORD, TABLET)
    page.goto(f"{live_server.url}/inspection/")
    page.locator("[data-testid=qc-queue] a").click()
    qc_answer(page)
    page.fill("#id_road_km", "3")
    page.fill("#id_road_findings", "无异常")
    page.fill("#id_summary", "保养完成,检验合格")
    page.click("[data-testid=qc-form] button[value=pass]")
    page.wait_for_url("**/handover/")
    page.fill("#id_cleaned_by", "洗车组")
    page.click("form[action$='/wash/'] button[type=submit]")
    page.select_option("select[name=spot]", label="竣工区01")
    with page.expect_navigation():
        page.click("form[action$='/park/'] button[type=submit]")

    # Billed: the advisor takes the car over and issues the statement at the imported prices; the cashier is paid.
    page = sign_in(browser, live_server, "wangfang", OWN_PASSWORD)
    page.click("a[href$='/handover/']")
    with page.expect_navigation():
        page.click("[data-testid=acknowledge]")
    page.goto(f"{live_server.url}/settlement/orders/{order.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=issue-statement]")
    expect(page.locator("[data-testid=statement-number]")).to_be_visible()
    statement = Statement.objects.get(work_order=order)
    assert statement.total == Decimal("686.00")
    shot(page, "go-live-09-statement")
    cashier = sign_in(browser, live_server, "qianli", OWN_PASSWORD)
    cashier.goto(f"{live_server.url}/settlement/")
    cashier.locator("[data-testid=cashier-queue] a").click()
    cashier.select_option("#id_method", "wechat")
    with cashier.expect_navigation():
        cashier.click("form[action$='/pay/'] button[type=submit]")
    expect(cashier.locator("[data-testid=balance]")).to_have_text("¥0.00")
    shot(cashier, "go-live-10-paid")
