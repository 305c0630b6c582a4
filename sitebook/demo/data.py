"""A realistic demo: one contractor, one office-tower project, a member in every role.

Each centre adds its own part here, so that `sitebook up` shows every feature populated.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from sitebook.accounts.models import Organisation, Role, User
from sitebook.accounts.services import membership_add, organisation_create, user_create
from sitebook.core.context import acting
from sitebook.costs import demo as costs_demo
from sitebook.funds import demo as funds_demo
from sitebook.labour import demo as labour_demo
from sitebook.projects import services as projects
from sitebook.projects.models import Project
from sitebook.schedule import demo as schedule_demo

DEMO_SLUG = "demo"
DEMO_PASSWORD = "sitebook-demo"

# (username, display name, built-in role, organisation admin)
PEOPLE = [
    ("admin", "周志远 Zhou Zhiyuan", "owner", True),
    ("pm", "王建国 Wang Jianguo", "project_manager", False),
    ("scheduler", "李娜 Li Na", "scheduler", False),
    ("cost", "张伟 Zhang Wei", "cost_engineer", False),
    ("finance", "刘芳 Liu Fang", "finance", False),
    ("foreman", "陈强 Chen Qiang", "foreman", False),
    ("viewer", "赵敏 Zhao Min", "viewer", False),
]

# (code, parent code, Chinese name, English name)
WBS = [
    ("1", None, "前期与临建", "Preliminaries and temporary works"),
    ("1.1", "1", "施工准备", "Mobilisation"),
    ("1.2", "1", "临时设施", "Temporary facilities"),
    ("2", None, "地基与基础", "Foundations"),
    ("2.1", "2", "桩基工程", "Piling"),
    ("2.2", "2", "基坑支护与土方", "Excavation and shoring"),
    ("2.3", "2", "地下室结构", "Basement structure"),
    ("3", None, "主体结构", "Superstructure"),
    ("3.1", "3", "1-10层结构", "Structure, floors 1-10"),
    ("3.2", "3", "11-24层结构", "Structure, floors 11-24"),
    ("3.3", "3", "屋面工程", "Roof"),
    ("4", None, "机电安装", "Mechanical, electrical and plumbing"),
    ("4.1", "4", "给排水工程", "Plumbing and drainage"),
    ("4.2", "4", "电气工程", "Electrical"),
    ("4.3", "4", "通风与空调", "HVAC"),
    ("5", None, "装饰装修", "Finishes"),
    ("5.1", "5", "幕墙工程", "Curtain wall"),
    ("5.2", "5", "室内装修", "Interior fit-out"),
    ("6", None, "竣工验收", "Commissioning and handover"),
]

# RACI rows: (WBS code or None, deliverable, {username: letter})
RACI = [
    ("2", "", {"pm": "A", "scheduler": "R", "cost": "C", "foreman": "R", "viewer": "I"}),
    ("3", "", {"pm": "A", "foreman": "R", "scheduler": "C", "cost": "C", "viewer": "I"}),
    ("4", "", {"pm": "A", "foreman": "R", "cost": "C", "finance": "I"}),
    (
        None,
        "施工组织设计 / Construction organisation plan",
        {"pm": "A", "scheduler": "R", "foreman": "C", "admin": "I"},
    ),
    (
        None,
        "月度进度报告 / Monthly progress report",
        {"scheduler": "R", "pm": "A", "cost": "C", "finance": "I", "admin": "I"},
    ),
    (
        None,
        "进度款申请 / Progress payment claim",
        {"cost": "R", "finance": "A", "pm": "C", "admin": "I"},
    ),
]


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


def load_demo() -> Project | None:
    """Create the demo organisation and project once; later calls change nothing."""
    if demo_exists():
        return None
    with transaction.atomic():
        users = {}
        for username, display, _role, _admin in PEOPLE:
            existing = User.objects.filter(username=username).first()
            users[username] = existing or user_create(
                username=username,
                password=DEMO_PASSWORD,
                display_name=display,
                email=f"{username}@demo.sitebook.local",
            )
        admin = users["admin"]
        admin.is_staff = True
        admin.is_superuser = True
        admin.save()
        org = organisation_create(
            name="中建华东建设有限公司 (East China Construction Co.)", slug=DEMO_SLUG, admin=admin
        )
        with acting(admin, "cli"):
            for username, _display, _role, is_admin in PEOPLE[1:]:
                membership_add(
                    actor=admin, organisation=org, user=users[username], is_admin=is_admin
                )
            project = projects.project_create(
                actor=admin,
                organisation_id=org.pk,
                code="PD-TOWER-2026",
                name="上海浦东张江科创办公楼工程",
                name_en="Zhangjiang Innovation Office Tower, Pudong",
                client="上海张江科技园区开发有限公司",
                contract_value=Decimal("286500000.00"),
                location="上海市浦东新区张江高科技园区",
                start_date=date(2026, 3, 2),
                finish_date=date(2027, 12, 31),
                status=Project.Status.ACTIVE,
                description="地上24层、地下3层框架-核心筒结构办公楼，总建筑面积约8.6万平方米。\n"
                "24-storey frame and core-wall office tower over a 3-level basement, 86,000 m².",
            )
            roles = {r.key: r for r in Role.objects.filter(organisation=org)}
            members = {}
            for username, _display, role_key, _admin in PEOPLE[1:]:
                members[username] = projects.member_add(
                    actor=admin,
                    project=project,
                    user_id=users[username].pk,
                    role_id=roles[role_key].pk,
                )
            members["admin"] = project.members.get(user=admin)
            nodes: dict[str, int] = {}
            for order, (code, parent, name, name_en) in enumerate(WBS):
                node = projects.wbs_create(
                    actor=admin,
                    project=project,
                    code=code,
                    name=name,
                    name_en=name_en,
                    parent_id=nodes[parent] if parent else None,
                    sort_order=order,
                )
                nodes[code] = node.pk
            for order, (wbs_code, deliverable, cells) in enumerate(RACI):
                projects.raci_row_create(
                    actor=admin,
                    project=project,
                    assignments={members[u].pk: letter for u, letter in cells.items()},
                    wbs_node_id=nodes[wbs_code] if wbs_code else None,
                    deliverable=deliverable,
                    sort_order=order,
                )
            schedule_demo.load(actor=admin, project=project)
            # Costs before labour: approved day-labour tickets post to the cost codes it makes.
            costs_demo.load(admin=admin, project=project, wbs=nodes)
            labour_demo.load(admin=admin, foreman=users["foreman"], pm=users["pm"], project=project)
            # Funds last: claims pick up the accepted day-labour tickets.
            funds_demo.load(admin=admin, project=project)
    return project
