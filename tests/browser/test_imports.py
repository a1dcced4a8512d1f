"""Issue 18 in the browser: a new store's manager imports the parts catalogue from an .xlsx with one bad row, reads
the dry run's report, corrects the file, imports it and sees the import reach done."""

import pytest
from playwright.sync_api import expect

from dealership.imports.run import IMPORT_RUN
from dealership.imports.workbook import xlsx_bytes
from dealership.models import ImportRun, Part, Role

from ..factories import StoreFactory, staff
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = ["配件编号*", "名称*", "单位", "价格*", "启用"]


def upload(page, rows) -> None:
    page.select_option("#id_kind", "parts")
    page.set_input_files("#id_file", files=[{"name": "配件价格.xlsx", "mimeType": XLSX,
                                             "buffer": xlsx_bytes(HEAD, rows)}])
    with page.expect_navigation():
        page.click("[data-testid=import-form] button[type=submit]")


def test_a_manager_imports_a_catalogue_after_correcting_the_row_the_dry_run_refused(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    manager = staff(Role.AFTERSALES_MANAGER, store, display_name="陈经理")
    page = log_in(browser, live_server, manager, DESKTOP)
    page.goto(f"{live_server.url}/staff/")
    page.click("[data-testid=imports-link]")
    expect(page.locator("[data-testid=template-parts]")).to_be_visible()
    shot(page, "imports-list-empty")

    rows = [("06L115562", "机油滤清器", "个", "68.00", "是"), ("5Q0698151", "前刹车片", "套", "六百八", "是"),
            ("G052195M4", "机油 5W-30", "升", "55.50", "是")]
    upload(page, rows)
    errors = page.locator("[data-testid=import-errors]")
    expect(errors).to_contain_text("六百八")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    expect(page.locator("[data-testid=import-skip]")).to_be_visible()
    shot(page, "imports-dry-run-report")
    assert not Part.objects.filter(store=store).exists()

    page.click("text=上传更正后的文件")
    rows[1] = ("5Q0698151", "前刹车片", "套", "680.00", "是")
    upload(page, rows)
    expect(page.locator("[data-testid=import-checked]")).to_contain_text("3")
    shot(page, "imports-dry-run-clean")
    with page.expect_navigation():
        page.click("[data-testid=import-start]")
    expect(page.locator("[data-testid=import-progress]")).to_have_attribute("data-status", "done")
    expect(page.locator("[data-testid=import-progress] .progress-bar")).to_have_text("100%")
    expect(page.locator("[data-testid=import-result]")).to_contain_text("3")
    shot(page, "imports-done")
    assert sorted(Part.objects.filter(store=store).values_list("number", "price")) == [
        ("06L115562", 68), ("5Q0698151", 680), ("G052195M4", 55.5)]

    page.goto(f"{live_server.url}/imports/")
    expect(page.locator("[data-testid=import-list] tbody tr")).to_have_count(2)
    shot(page, "imports-list")


def test_the_page_follows_a_running_import_and_shows_the_result_when_it_is_done(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    manager = staff(Role.AFTERSALES_MANAGER, store, display_name="陈经理")
    run = ImportRun.objects.create(store=store, kind=ImportRun.Kind.CUSTOMERS, file_name="客户.xlsx",
                                   sha256="1" * 64, created_by=manager, status=ImportRun.Status.QUEUED,
                                   rows_total=100_000)
    IMPORT_RUN.claim(ImportRun.objects.filter(pk=run.pk), to=ImportRun.Status.WRITING, fields={"rows_done": 40_000})
    page = log_in(browser, live_server, manager, DESKTOP)
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    progress = page.locator("[data-testid=import-progress]")
    expect(progress).to_have_attribute("data-status", "writing")
    expect(progress.locator(".progress-bar")).to_have_text("40%")
    shot(page, "imports-progress")

    ImportRun.objects.filter(pk=run.pk).update(rows_done=80_000)
    expect(progress.locator(".progress-bar")).to_have_text("80%")  # htmx polls the fragment every second
    run.refresh_from_db()
    IMPORT_RUN.move(run, to=ImportRun.Status.DONE, fields={"rows_done": 100_000, "created": 100_000})
    expect(page.locator("[data-testid=import-result]")).to_be_visible()  # the page reloads when it is over
    expect(progress).to_have_attribute("data-status", "done")
