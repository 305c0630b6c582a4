"""A person's first session, in English and in Chinese, driven through a real browser.

Sign in as the organisation admin, create a project, add members, build and edit the RACI
matrix (including a refused second A), and find those changes on the History tab.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sitebook.accounts.models import Role, User
from sitebook.demo.data import DEMO_PASSWORD, load_demo
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Visible text that must appear in each language (and, for Chinese, must not be English).
TEXT = {
    "en": {
        "sign_in": "Sign in",
        "projects": "Projects",
        "demo_name": "Zhangjiang Innovation Office Tower, Pudong",
        "new_project": "New project",
        "created": "Project {code} created.",
        "contract_value": "Contract value",
        "client": "Client",
        "member_added": "Member added.",
        "project_manager": "Project manager",
        "foreman": "Foreman",
        "save": "Save",
        "two_as": "Each row needs exactly one accountable person (A); this row has 2.",
        "history": "History",
        "raci_row": "RACI row",
        "project_member": "project member",
        "changed": "changed",
        "created_action": "created",
    },
    "zh-hans": {
        "sign_in": "登录",
        "projects": "项目",
        "demo_name": "上海浦东张江科创办公楼工程",
        "new_project": "新建项目",
        "created": "项目 {code} 已创建。",
        "contract_value": "合同额",
        "client": "建设单位",
        "member_added": "成员已添加。",
        "project_manager": "项目经理",
        "foreman": "施工员",
        "save": "保存",
        "two_as": "每行必须有且仅有一名批准人 (A)；本行有 2 名。",
        "history": "变更记录",
        "raci_row": "RACI 行",
        "project_member": "项目成员",
        "changed": "修改",
        "created_action": "新建",
    },
}


def shot(page: Page, artifacts: Path, lang: str, step: str) -> None:
    page.screenshot(path=str(artifacts / f"{lang}-{step}.png"), full_page=True)


def fits_width(page: Page) -> bool:
    """No sideways scrolling of the whole page (wide tables scroll inside their card)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def cells(row_id: int) -> dict[str, str]:
    """The stored letters of one RACI row, by username."""
    return {
        a.member.user.username: a.letter
        for a in RaciAssignment.objects.filter(row_id=row_id).select_related("member__user")
    }


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_project_walkthrough(
    lang: str, live_server: Any, open_page: Callable[[str], Page], artifacts_dir: Path
) -> None:
    t = TEXT[lang]
    page = open_page(lang)
    base = live_server.url
    load_demo()
    admin = User.objects.get(username="admin")
    pm = User.objects.get(username="pm")
    foreman = User.objects.get(username="foreman")

    # --- sign in through the login form --------------------------------------------------
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_have_text(t["sign_in"])
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    shot(page, artifacts_dir, lang, "01-login")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/projects/")
    expect(page.locator("main h1")).to_have_text(t["projects"])
    demo_row = page.locator("main table tr", has_text="PD-TOWER-2026")
    expect(demo_row).to_contain_text(t["demo_name"])  # names follow the page's language
    shot(page, artifacts_dir, lang, "02-project-list")

    # --- create a project through the form ------------------------------------------------
    code = f"SB-{lang.upper()}-01"
    page.get_by_role("link", name=t["new_project"]).click()
    page.wait_for_url(f"{base}/projects/new/")
    expect(page.locator("main h1")).to_have_text(t["new_project"])
    page.fill("#id_code", code)
    page.fill("#id_name", "苏州工业园区研发楼工程")
    page.fill("#id_name_en", "Suzhou Industrial Park R&D Building")
    page.fill("#id_client", "苏州工业园区建设发展有限公司")
    page.fill("#id_contract_value", "128000000.00")
    page.fill("#id_location", "江苏省苏州市工业园区")
    page.fill("#id_start_date", "2026-05-06")
    page.fill("#id_finish_date", "2027-10-31")
    page.fill("#id_description", "地上12层框架结构研发楼。")
    shot(page, artifacts_dir, lang, "03-project-form")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/projects/\d+/$"))
    project = Project.objects.get(code=code)
    assert page.url == f"{base}/projects/{project.pk}/"
    expect(page.locator(".messages")).to_contain_text(t["created"].format(code=code))
    expect(page.locator("#project-facts")).to_contain_text(t["contract_value"])
    expect(page.locator("#project-facts")).to_contain_text(t["client"])
    expect(page.locator("#project-facts")).to_contain_text("128,000,000.00")
    assert project.client == "苏州工业园区建设发展有限公司"
    shot(page, artifacts_dir, lang, "04-project-overview")

    # --- add members on the Members page -------------------------------------------------
    roles = {r.key: r for r in Role.objects.filter(organisation_id=project.organisation_id)}
    page.goto(f"{base}/projects/{project.pk}/members/")
    for user, role_key, label in (
        (pm, "project_manager", t["project_manager"]),
        (foreman, "foreman", t["foreman"]),
    ):
        page.select_option("#id_user", value=str(user.pk))
        page.select_option("#id_role", value=str(roles[role_key].pk))
        page.locator("main form.toolbar button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text(t["member_added"])
        row = page.locator("#member-table tr", has_text=str(user))
        expect(row.locator("select[name=role] option:checked")).to_have_text(label)
    assert set(project.members.values_list("user__username", flat=True)) == {
        "admin",
        "pm",
        "foreman",
    }
    shot(page, artifacts_dir, lang, "05-members")
    members = {m.user.username: m.pk for m in ProjectMember.objects.filter(project=project)}

    # --- RACI: add a row through the form (the new project has none yet) -----------------
    page.get_by_role("link", name=re.compile("^RACI")).click()
    page.wait_for_url(f"{base}/projects/{project.pk}/raci/")
    deliverable = "施工组织设计 / Construction organisation plan"
    page.fill("#id_deliverable", deliverable)
    page.select_option(f"#new-cell-{members['admin']}", "A")
    page.select_option(f"#new-cell-{members['pm']}", "R")
    add_form = page.locator("main form.card", has=page.locator("#id_deliverable"))
    add_form.locator("button[type=submit]").click()
    table_row = page.locator("#raci-table tbody tr", has_text=deliverable)
    expect(table_row).to_have_count(1)
    raci_row = RaciRow.objects.get(project=project, deliverable=deliverable)
    row_id = raci_row.pk
    assert cells(row_id) == {"admin": "A", "pm": "R"}
    row = page.locator(f"#raci-row-{row_id}")

    def cell(username: str) -> Any:
        return row.locator(f"select[name='cell-{members[username]}']")

    expect(cell("pm")).to_have_value("R")

    # Change cells of the existing row and save it: htmx posts the row and swaps it in place.
    cell("foreman").select_option("C")
    cell("pm").select_option("I")
    page.evaluate("() => { window.__notReloaded = true; }")
    with page.expect_response(
        lambda r: r.url.endswith(f"/raci/{row_id}/") and r.request.method == "POST"
    ) as saved:
        row.get_by_role("button", name=t["save"]).click()
    assert saved.value.status == 200
    assert saved.value.request.headers.get("hx-request") == "true"
    expect(cell("foreman")).to_have_value("C")
    expect(cell("pm")).to_have_value("I")
    expect(row.locator(".row-error")).to_have_count(0)
    assert page.evaluate("() => window.__notReloaded === true"), "the row save reloaded the page"
    assert cells(row_id) == {"admin": "A", "pm": "I", "foreman": "C"}
    version_after_edit = RaciRow.objects.get(pk=row_id).version
    assert version_after_edit == raci_row.version + 1
    shot(page, artifacts_dir, lang, "06-raci-row-saved")

    # A second A in the same row is refused: the error shows in the row, nothing changes.
    cell("pm").select_option("A")
    with page.expect_response(
        lambda r: r.url.endswith(f"/raci/{row_id}/") and r.request.method == "POST"
    ):
        row.get_by_role("button", name=t["save"]).click()
    error = row.locator(".row-error[role=alert]")
    expect(error).to_have_text(t["two_as"])
    expect(cell("pm")).to_have_value("I")
    expect(cell("admin")).to_have_value("A")
    assert cells(row_id) == {"admin": "A", "pm": "I", "foreman": "C"}
    assert RaciRow.objects.get(pk=row_id).version == version_after_edit
    shot(page, artifacts_dir, lang, "07-raci-two-accountable-refused")

    # The same page on a phone: usable without sideways scrolling of the page.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(cell("pm")).to_have_value("I")
    expect(row.locator(".row-error")).to_have_count(0)
    expect(row.locator("button[type=submit]")).to_be_visible()
    assert fits_width(page), "the RACI page scrolls sideways on a 375 px wide phone"
    shot(page, artifacts_dir, lang, "08-raci-phone")

    # --- History tab lists the member and RACI changes ------------------------------------
    page.get_by_role("link", name=t["history"], exact=True).first.click()
    page.wait_for_url(f"{base}/projects/{project.pk}/history/")
    history = page.locator("#history-table")
    expect(history).to_be_visible()
    raci_changes = history.locator("tr", has_text=t["raci_row"])
    expect(raci_changes.filter(has_text=t["changed"])).to_have_count(1)
    expect(raci_changes.filter(has_text=t["created_action"])).to_have_count(1)
    expect(raci_changes.first).to_contain_text(deliverable)
    member_changes = history.locator("tr", has_text=t["project_member"])
    expect(member_changes.filter(has_text=str(pm))).to_have_count(1)
    expect(member_changes.filter(has_text=str(foreman))).to_have_count(1)
    expect(history).to_contain_text(str(admin))
    assert fits_width(page), "the History page scrolls sideways on a 375 px wide phone"
    shot(page, artifacts_dir, lang, "09-history-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, artifacts_dir, lang, "10-history")
