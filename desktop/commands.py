"""The headless commands behind ``subcenter SUBCOMMAND``; each returns the text to print.

They use the same services as the GUI, acting as the local administrator.
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from desktop.bootstrap import AppContext, open_context, open_migrated_context
from desktop.domain.errors import ConflictError, ValidationError
from desktop.services.subcenter import get_sub_center, set_up_sub_center


def _context(home: Path | None) -> AppContext:
    return open_migrated_context(home)


def _require_sub_center(context: AppContext) -> None:
    if get_sub_center(context.uow()) is None:
        raise ConflictError(
            f"数据目录 {context.paths.root} 尚未设置分中心。"
            "请先运行 subcenter init（或 subcenter demo 生成演示街道）。"
        )


def cmd_init(home: Path | None, args: Namespace) -> str:
    context = _context(home)
    info = set_up_sub_center(
        context.uow(), actor=context.actor, street_name=args.street, division_code=args.code,
        issuing_authority=args.authority, doc_prefix=args.prefix, center_name=args.center_name,
    )
    return f"已设置分中心：{info.center_name}（区划代码 {info.division_code}），数据目录 {context.paths.root}"


def cmd_demo(home: Path | None, args: Namespace) -> str:
    from desktop.demo import build_demo_street

    context = _context(home)
    summary = build_demo_street(context, seed=args.seed)
    if args.scale:
        from desktop.demo_scale import add_scale_data

        return f"{summary.message}\n{add_scale_data(context, seed=args.seed).message}"
    return f"{summary.message}\n数据目录：{context.paths.root}"


def cmd_migrate(home: Path | None, _args: Namespace) -> str:
    context = open_context(home)
    pending = context.pending_migrations()
    if not pending:
        return "数据库已是最新版本，无需升级。"
    backup = context.migrate()
    where = f"，升级前的备份：{backup}" if backup else ""
    return f"已应用 {len(pending)} 个数据库升级（{', '.join(pending)}）{where}"


def cmd_backup(home: Path | None, args: Namespace) -> str:
    from desktop.services.backup import backup_now

    context = _context(home)
    target = backup_now(context, Path(args.out) if args.out else None)
    return f"已备份到 {target}"


def cmd_restore(home: Path | None, args: Namespace) -> str:
    from desktop.config import data_paths
    from desktop.services.backup import restore_backup

    # Restoring works on the file itself: the database is not opened (it may be broken).
    return restore_backup(data_paths(home).ensure(), _existing_file(args.file)).message


def cmd_audit(home: Path | None, args: Namespace) -> str:
    from desktop.services.audit import verify

    context = _context(home)
    if args.audit_command == "verify":
        report = verify(context.uow())
        if not report.ok:
            raise ConflictError(report.message)
        return report.message
    from desktop.spreadsheets.audit import export_audit

    path = _xlsx_target(args.file)
    count = export_audit(context.uow(), path, actor=context.actor)
    return f"已导出 {count} 条审计记录到 {path}"


def cmd_user(home: Path | None, args: Namespace) -> str:
    from desktop.services import accounts

    context = _context(home)
    actor = context.actor
    if args.user_command == "add":
        user = accounts.create_user(context.uow(), actor=actor, username=args.username,
                                    display_name=args.name, role=accounts.parse_role(args.role),
                                    password=args.password)
        return f"已新建账号 {user.username}（{user.display_name}，{user.role.label}）"
    if args.user_command == "list":
        rows = accounts.list_users(context.uow(), actor=actor)
        return "\n".join(f"{u.username}\t{u.display_name}\t{u.role.label}\t{u.state_label}"
                         for u in rows) or "尚无账号。"
    if args.user_command == "reset":
        accounts.reset_password(context.uow(), actor=actor, username=args.username,
                                new_password=args.password)
        return f"已重置 {args.username} 的密码，下次登录时须修改。"
    accounts.set_disabled(context.uow(), actor=actor, username=args.username, disabled=True)
    return f"已停用账号 {args.username}"


def cmd_info(home: Path | None, args: Namespace) -> str:
    context = _context(home)
    info = get_sub_center(context.uow())
    data = {
        "street_code": info.division_code if info else None,
        "name": info.center_name if info else None,
        "street_name": info.street_name if info else None,
        "data_folder": str(context.paths.root),
        "database": str(context.paths.database),
        "is_demo": info.is_demo if info else False,
    }
    if args.json:
        return json.dumps(data, ensure_ascii=False, indent=2)
    if info is None:
        return f"数据目录：{context.paths.root}\n尚未设置分中心。"
    return (f"分中心：{info.center_name}\n区划代码：{info.division_code}\n"
            f"数据目录：{context.paths.root}")


def cmd_import(home: Path | None, args: Namespace) -> str:
    path = _existing_file(args.file)
    context = _context(home)
    _require_sub_center(context)
    if args.what == "boundaries":
        from desktop.services.boundaries import import_boundaries

        report = import_boundaries(context.uow(), actor=context.actor, path=path)
        lines = [f"已导入 {len(report.matched)} 个网格的边界。"]
        lines += [f"注意：{warning}" for warning in report.warnings]
        return "\n".join(lines)
    if args.what == "roster":
        from desktop.spreadsheets.roster import import_roster

        return import_roster(context.uow(), actor=context.actor, path=path).message
    if args.what == "responsibilities":
        from desktop.spreadsheets.responsibilities import import_responsibility_list

        return import_responsibility_list(context.uow(), actor=context.actor, path=path).message
    from desktop.spreadsheets import grids as sheets

    importer = sheets.import_grids if args.what == "grids" else sheets.import_staff
    summary = importer(context.uow(), actor=context.actor, path=path)
    return summary.message


def cmd_export(home: Path | None, args: Namespace) -> str:
    if args.what == "staff" and args.file.lower().endswith(".pdf"):
        return _export_staff_pdf(home, Path(args.file))
    if args.what == "roster":
        return _export_roster(home, Path(args.file))
    if args.what == "demands":
        return _export_demands(home, Path(args.file))
    if args.what == "actions":
        from desktop.spreadsheets.action_export import run_export_actions

        return run_export_actions(_context(home), Path(args.file), week=args.week)
    path = _xlsx_target(args.file)
    from desktop.spreadsheets import grids as sheets

    context = _context(home)
    exporter = sheets.export_grids if args.what == "grids" else sheets.export_staff
    count = exporter(context.uow(), path, actor=context.actor)
    return f"已导出 {count} 行到 {path}"


def _export_staff_pdf(home: Path | None, path: Path) -> str:
    from desktop.documents.staff_list import write_staff_list_pdf

    if not path.parent.exists():
        raise ValidationError("文件", f"目录 {path.parent} 不存在。")
    context = _context(home)
    _require_sub_center(context)
    info = get_sub_center(context.uow())
    assert info is not None
    count = write_staff_list_pdf(context.uow(), path, actor=context.actor,
                                 street_name=info.street_name)
    return f"已生成网格工作人员名单 {path}（{count} 人次，电话已脱敏）"


def _export_roster(home: Path | None, path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        from desktop.documents.roster_print import write_roster_pdf

        if not path.parent.exists():
            raise ValidationError("文件", f"目录 {path.parent} 不存在。")
        context = _context(home)
        _require_sub_center(context)
        count = write_roster_pdf(context.uow(), path, actor=context.actor)
        return f"已生成执法人员花名册 {path}（{count} 人，身份证号已脱敏）"
    from desktop.spreadsheets.roster import export_roster

    path = _xlsx_target(str(path))
    context = _context(home)
    count = export_roster(context.uow(), path, actor=context.actor)
    return f"已导出 {count} 名执法人员到 {path}"


def _export_demands(home: Path | None, path: Path) -> str:
    from desktop.spreadsheets.demands import export_demands

    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError("文件", f"{path} 应以 .xlsx 或 .csv 结尾。")
    if not path.parent.exists():
        raise ValidationError("文件", f"目录 {path.parent} 不存在。")
    context = _context(home)
    count = export_demands(context.uow(), path, actor=context.actor)
    return f"已导出 {count} 件诉求到 {path}"


def cmd_template(_home: Path | None, args: Namespace) -> str:
    path = _xlsx_target(args.file)
    from desktop.spreadsheets import grids as sheets

    writer = sheets.write_grid_template if args.what == "grids" else sheets.write_staff_template
    writer(path)
    return f"已生成导入模板 {path}"


def _existing_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise ValidationError("文件", f"找不到文件 {path}，请检查路径。")
    return path


def _xlsx_target(name: str) -> Path:
    path = Path(name)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError("文件", f"{path} 应以 .xlsx 结尾（Excel/WPS 表格）。")
    if not path.parent.exists():
        raise ValidationError("文件", f"目录 {path.parent} 不存在。")
    return path


def cmd_print(home: Path | None, args: Namespace) -> str:
    from desktop.documents.print_command import run_print

    context = _context(home)
    _require_sub_center(context)
    return run_print(context, document_id=args.document_id, out=args.out, samples=args.samples)


def cmd_enroll(home: Path | None, args: Namespace) -> str:
    """Enrolment also works on an empty data folder: the second PC of a street starts here."""
    from desktop.sync.commands import run_enroll

    return run_enroll(_context(home), server=args.server, street=args.street, user=args.user,
                      password=args.password, ca_file=args.ca_file, proxy=args.proxy)


def cmd_sync(home: Path | None, _args: Namespace) -> str:
    from desktop.sync.commands import run_sync

    context = _context(home)
    _require_sub_center(context)
    return run_sync(context)
