"""Roles (Django groups) and the permissions each one carries.

Django permissions decide the *action*; each model's ``visible_to(user)``
decides the *rows*.  Groups are created and kept in step with this table after
every ``migrate`` (see ``JiaotongConfig.ready``), so the table is the one place
where a role's powers are written down.
"""

from django.core.exceptions import ValidationError

ROLE_WINDOW = "窗口工作人员"
ROLE_OFFICER = "执法人员"
ROLE_REVIEWER = "法制审核人员"
ROLE_HOTLINE = "热线工作人员"
ROLE_HANDLER = "承办人员"
ROLE_SUPERVISOR = "监管人员"
ROLE_LEGAL_AFFAIRS = "法制工作人员"
ROLE_OFFICE = "办公室人员"
ROLE_LEADER = "局领导"
ROLE_SYSTEM_ADMIN = "系统管理员"
ROLE_SECURITY_ADMIN = "安全管理员"
ROLE_AUDIT_ADMIN = "审计管理员"

# 三员分立: no user may hold two of these.
ADMIN_ROLES = (ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN, ROLE_AUDIT_ADMIN)

_REGISTRY_READ = ["jiaotong.view_matter", "jiaotong.view_enterprise"]


def _crud(app_model: str) -> list[str]:
    app, model = app_model.split(".")
    return [f"{app}.{verb}_{model}" for verb in ("view", "add", "change")]


# governance/: 办公室 records suggestions, activities and training; the legal
# affairs section (政策法规股/法制股) records those too — in this bureau it runs
# the 法治政府建设 work — plus normative documents, mediation and petitions.
_GOV_OFFICE = [
    *_crud("governance.suggestion"),
    *_crud("governance.educationevent"),
    *_crud("governance.campaign"),
    *_crud("governance.trainingsession"),
]
_GOV_LEGAL = [
    *_GOV_OFFICE,
    *_crud("governance.normativedocument"),
    *_crud("governance.mediation"),
    *_crud("governance.petition"),
]
_GOV_READ = [p for p in _GOV_LEGAL if ".view_" in p]

# supervision/: 监管人员 run the spot checks; leaders read them and approve 定向 picks.
_SUPERVISION_WORK = [
    *_crud("supervision.spotchecktask"),
    "supervision.draw_spotchecktask",
    *_crud("supervision.inspectionrecord"),
    *_crud("supervision.inspectorconflict"),
    "supervision.view_inspectionitem",
    "supervision.add_inspectionitem",
    "supervision.change_inspectionitem",
    "enforcement.view_officer",
]

# role -> permissions ("app_label.codename"). Domain apps' permissions are listed
# here too, so one table answers "what may this role do".
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ROLE_WINDOW: [
        *_REGISTRY_READ,
        # An enterprise often meets the bureau first at the window (a new
        # company applying for its licence): the clerk enters it in 企业名录.
        "jiaotong.add_enterprise",
        "licensing.view_application",
        "licensing.add_application",
        "licensing.change_application",
    ],
    ROLE_OFFICER: [
        *_REGISTRY_READ,
        "jiaotong.change_enterprise",
        "enforcement.view_penaltycase",
        "enforcement.add_penaltycase",
        "enforcement.change_penaltycase",
        "enforcement.decide_penaltycase",
        "enforcement.view_officer",
        "enforcement.view_publicityrecord",
        "enforcement.change_publicityrecord",
        "enforcement.view_evidence",
        "enforcement.add_evidence",
    ],
    ROLE_REVIEWER: [
        *_REGISTRY_READ,
        "enforcement.view_penaltycase",
        "enforcement.review_penaltycase",
        "enforcement.view_officer",
        "enforcement.view_evidence",
        "enforcement.view_reviewrule",
    ],
    ROLE_HOTLINE: [
        *_REGISTRY_READ,
        "hotline.view_ticket",
        "hotline.add_ticket",
        "hotline.change_ticket",
        "hotline.dispatch_ticket",
        "hotline.view_confidential_caller",
    ],
    ROLE_HANDLER: [*_REGISTRY_READ, "hotline.view_ticket", "hotline.handle_ticket"],
    ROLE_SUPERVISOR: [
        *_REGISTRY_READ,
        "jiaotong.add_enterprise",
        "jiaotong.change_enterprise",
        *_SUPERVISION_WORK,
    ],
    ROLE_LEGAL_AFFAIRS: [*_REGISTRY_READ, *_GOV_LEGAL],
    ROLE_OFFICE: [*_REGISTRY_READ, *_GOV_OFFICE],
    ROLE_LEADER: [
        *_REGISTRY_READ,
        *_GOV_READ,
        "jiaotong.view_dashboard",
        "jiaotong.export_report",
        "licensing.view_application",
        "licensing.revoke_application",
        "hotline.view_ticket",
        "hotline.approve_extension",
        "enforcement.view_penaltycase",
        "enforcement.decide_penaltycase",
        "enforcement.approve_extension",
        "enforcement.view_officer",
        "enforcement.view_publicityrecord",
        "enforcement.view_evidence",
        "supervision.view_spotchecktask",
        "supervision.view_inspectionrecord",
        "supervision.add_directedpick",
    ],
    ROLE_SYSTEM_ADMIN: [
        "jiaotong.view_user",
        "jiaotong.add_user",
        "jiaotong.change_user",
        "jiaotong.view_orgunit",
        "jiaotong.add_orgunit",
        "jiaotong.change_orgunit",
        "jiaotong.view_matter",
        "jiaotong.add_matter",
        "jiaotong.change_matter",
        "jiaotong.add_matterchange",
        "jiaotong.view_enterprise",
        "jiaotong.add_enterprise",
        "jiaotong.change_enterprise",
        "jiaotong.view_calendarday",
        "jiaotong.add_calendarday",
        "jiaotong.change_calendarday",
        "jiaotong.delete_calendarday",
        "jiaotong.view_ruleparameter",
        "jiaotong.change_ruleparameter",
        "hotline.view_ticketdeadlinerule",
        "hotline.change_ticketdeadlinerule",
        "enforcement.view_officer",
        "enforcement.add_officer",
        "enforcement.change_officer",
        "enforcement.view_certificate",
        "enforcement.add_certificate",
        "enforcement.change_certificate",
        "enforcement.view_reviewrule",
        "enforcement.add_reviewrule",
        "enforcement.change_reviewrule",
        "jiaotong.import_data",
        "jiaotong.export_report",
        "jiaotong.view_dashboard",
        "jiaotong.close_year",
    ],
    ROLE_SECURITY_ADMIN: [
        "jiaotong.view_user",
        "jiaotong.assign_roles",
        "auth.view_group",
    ],
    ROLE_AUDIT_ADMIN: ["jiaotong.view_auditevent"],
}

# Home-page work queue and navigation are chosen by these, in this order.
ALL_ROLES = list(ROLE_PERMISSIONS)


def role_names(user) -> set[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def check_admin_separation(role_set) -> None:
    """Refuse a set of roles that holds two of the three administrators."""
    held = [r for r in ADMIN_ROLES if r in set(role_set)]
    if len(held) > 1:
        raise ValidationError(
            "三员分立：系统管理员、安全管理员、审计管理员不得由同一用户兼任"
            f"（当前：{'、'.join(held)}）。",
            code="admin_separation",
        )


def sync_roles(using="default", **kwargs) -> None:
    """Create every role group and give it exactly the permissions of the table."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:  # a domain app may not define it yet
                wanted.append(perm)
        group.permissions.set(wanted)
