"""The one permission matrix of the app. Services call ``require(actor, permission)``;
the UI asks ``allowed(role, permission)`` to hide or disable what a role cannot do.
Both read this table, so the buttons and the refusals never disagree.
"""

from __future__ import annotations

from desktop.domain.actor import Actor, Role
from desktop.domain.errors import PermissionDeniedError
from desktop.domain.labels import LabeledEnum


class Permission(LabeledEnum):
    GRID_VIEW = ("grid.view", "查看网格")
    GRID_EDIT = ("grid.edit", "新建、编辑、合并、拆分、撤销网格")
    GRID_STAFF_EDIT = ("grid.staff.edit", "配备网格人员、记录在格天数")
    GRID_IMPORT = ("grid.import", "导入网格、人员和边界")
    DATA_EXPORT = ("data.export", "导出数据")
    PERSONAL_DATA_REVEAL = ("personal.reveal", "查看完整的身份证号和电话")
    ACCOUNT_MANAGE = ("account.manage", "管理用户账号")
    BACKUP_MANAGE = ("backup.manage", "备份与恢复数据库")
    AUDIT_VIEW = ("audit.view", "查看和导出审计日志")
    SETTINGS_EDIT = ("settings.edit", "修改系统设置")
    ROSTER_EDIT = ("roster.edit", "维护执法队伍人员、执法证、请假")
    ROSTER_IMPORT = ("roster.import", "导入执法人员花名册")
    UNIT_EDIT = ("unit.edit", "维护区直部门与应哨人名录")
    DUTY_EDIT = ("duty.edit", "排定应急哨值班表")
    DEMAND_INTAKE = ("demand.intake", "受理诉求")
    DEMAND_HANDLE = ("demand.handle", "研判、派遣、督办、结案诉求")
    DEMAND_APPROVE = ("demand.approve", "审批延期与退单")
    WHISTLE_CALL = ("whistle.call", "吹哨与记录部门报到")
    RESPONSIBILITY_EDIT = ("responsibility.edit", "导入属地管理事项清单")
    ACTION_PLAN = ("action.plan", "计划联合执法行动、登记行动结果")
    ACTION_APPROVE = ("action.approve", "审批联合执法行动")
    DOCUMENT_DRAFT = ("document.draft", "起草、修改和提交公文")
    DOCUMENT_APPROVE = ("document.approve", "审批公文（审批时取号）")
    DOCUMENT_PRINT = ("document.print", "打印、归档公文")
    DOCUMENT_VOID = ("document.void", "作废已编号的公文")
    SYNC_RUN = ("sync.run", "立即与区级平台同步、处理同步冲突")
    SYNC_CONFIGURE = ("sync.configure", "设置区级平台连接（注册本机、代理、证书）")


_EVERY_ROLE = frozenset({Permission.GRID_VIEW})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: _EVERY_ROLE | {
        Permission.DATA_EXPORT, Permission.DEMAND_INTAKE, Permission.DEMAND_HANDLE,
        Permission.WHISTLE_CALL, Permission.ACTION_PLAN, Permission.DOCUMENT_DRAFT,
        Permission.DOCUMENT_PRINT, Permission.SYNC_RUN,
    },
    Role.GRID_ADMIN: _EVERY_ROLE | {
        Permission.GRID_EDIT, Permission.GRID_STAFF_EDIT, Permission.GRID_IMPORT,
        Permission.DATA_EXPORT, Permission.PERSONAL_DATA_REVEAL, Permission.SYNC_RUN,
    },
    Role.DIRECTOR: _EVERY_ROLE | {
        Permission.DATA_EXPORT, Permission.PERSONAL_DATA_REVEAL, Permission.AUDIT_VIEW,
        Permission.ROSTER_EDIT, Permission.ROSTER_IMPORT, Permission.UNIT_EDIT,
        Permission.DUTY_EDIT, Permission.DEMAND_INTAKE, Permission.DEMAND_HANDLE,
        Permission.DEMAND_APPROVE, Permission.WHISTLE_CALL, Permission.ACTION_PLAN,
        Permission.ACTION_APPROVE, Permission.DOCUMENT_DRAFT, Permission.DOCUMENT_APPROVE,
        Permission.DOCUMENT_PRINT, Permission.DOCUMENT_VOID, Permission.SYNC_RUN,
    },
    Role.CLERK: _EVERY_ROLE | {
        Permission.DATA_EXPORT, Permission.DOCUMENT_DRAFT, Permission.DOCUMENT_PRINT,
        Permission.SYNC_RUN,
    },
    # The system administrator keeps the install running: accounts, backups, settings,
    # the audit trail, and the grid data set-up an IT person does at installation.
    Role.SYSADMIN: _EVERY_ROLE | {
        Permission.GRID_EDIT, Permission.GRID_STAFF_EDIT, Permission.GRID_IMPORT,
        Permission.DATA_EXPORT, Permission.ACCOUNT_MANAGE, Permission.BACKUP_MANAGE,
        Permission.AUDIT_VIEW, Permission.SETTINGS_EDIT, Permission.ROSTER_EDIT,
        Permission.ROSTER_IMPORT, Permission.UNIT_EDIT, Permission.DUTY_EDIT,
        Permission.RESPONSIBILITY_EDIT, Permission.SYNC_RUN, Permission.SYNC_CONFIGURE,
    },
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def _holders(permission: Permission) -> str:
    roles = [role.label for role in Role if allowed(role, permission)]
    return "、".join(roles) if roles else "具备该权限的人员"


def denied_message(role: Role, permission: Permission) -> str:
    """The one sentence for a refusal: the service raises it, the UI shows it as a tip."""
    return (f"您的角色（{role.label}）无权“{permission.label}”。"
            f"如确需办理，请由{_holders(permission)}办理，或请系统管理员调整账号角色。")


def require(actor: Actor, permission: Permission) -> None:
    """Refuse, in Chinese, when the actor's role lacks ``permission``."""
    if not allowed(actor.role, permission):
        raise PermissionDeniedError(denied_message(actor.role, permission))
