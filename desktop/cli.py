"""The ``subcenter`` command line: headless subcommands, and the GUI when none is given.

Refusals print the Chinese message on stderr and exit 1; usage errors exit 2. The GUI
launcher is passed in by ``ui.app`` so this core module never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from desktop import __version__
from desktop.domain.errors import DomainError

GuiLauncher = Callable[[argparse.Namespace], int]

DESCRIPTION = """街道综合指挥分中心桌面客户端。

不带子命令时打开图形界面；带子命令时在命令行中执行（不打开窗口）。
数据目录默认为当前用户的数据目录，可用环境变量 SUBCENTER_HOME 或 --home 指定。"""


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's own words ("usage:") in Chinese, like the rest of the program."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Section titles, the help option and usage errors in Chinese (exit code 2)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "子命令与参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：命令行参数有误（{message}）。请用 --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="subcenter", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"subcenter {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--home", help="数据目录（覆盖 SUBCENTER_HOME 与默认位置）")
    parser.add_argument("--smoke", action="store_true",
                        help="打开主窗口，等到首次绘制完成，打印耗时（秒）后退出")
    parser.add_argument("--demo", action="store_true",
                        help="首次运行时直接载入演示街道（不显示设置向导）")
    commands = parser.add_subparsers(dest="command", metavar="子命令",
                                     parser_class=ChineseArgumentParser)

    init = commands.add_parser("init", help="设置本分中心（首次使用）")
    init.add_argument("--street", required=True, help="街道/乡镇名称，如 芙蓉街道")
    init.add_argument("--code", required=True, help="12 位统计用区划代码")
    init.add_argument("--authority", required=True, help="发文机关名称")
    init.add_argument("--prefix", required=True, help="文号代字，如 芙街")
    init.add_argument("--center-name", default="", help="分中心名称（默认：街道名称+综合指挥分中心）")

    demo = commands.add_parser("demo", help="在空的数据目录中生成演示街道")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
    demo.add_argument("--scale", action="store_true",
                      help="大规模数据集（约 100 万件诉求，用于性能测试，需数分钟）")

    commands.add_parser("migrate", help="将数据库升级到最新版本（升级前自动备份）")
    backup = commands.add_parser("backup", help="立即备份数据库")
    backup.add_argument("--out", help="备份文件路径（默认：数据目录下的 backups 文件夹）")
    restore = commands.add_parser(
        "restore", help="从备份文件恢复数据库（先做完整性检查，当前文件另存保留）")
    restore.add_argument("file", help="备份文件（.sqlite3）")
    audit = commands.add_parser("audit", help="审计日志：verify 校验哈希链 / export 导出")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="操作", required=True)
    audit_commands.add_parser("verify", help="校验审计日志是否被篡改（发现时退出码为 1）")
    audit_export = audit_commands.add_parser("export", help="导出审计日志到 Excel")
    audit_export.add_argument("file", help="xlsx 文件路径")
    user = commands.add_parser("user", help="用户账号：add 新建 / list 列出 / reset 重置密码 / disable 停用")
    user_commands = user.add_subparsers(dest="user_command", metavar="操作", required=True)
    user_add = user_commands.add_parser("add", help="新建账号")
    user_add.add_argument("username", help="登录名")
    user_add.add_argument("--name", required=True, help="姓名")
    user_add.add_argument("--role", required=True,
                          help="角色：operator 坐席 / grid_admin 网格管理员 / director 执法办主任 / "
                               "clerk 文书 / sysadmin 系统管理员")
    user_add.add_argument("--password", required=True, help="初始密码（首次登录须修改）")
    user_commands.add_parser("list", help="列出账号")
    user_reset = user_commands.add_parser("reset", help="重置密码（下次登录须修改）")
    user_reset.add_argument("username")
    user_reset.add_argument("--password", required=True, help="新的临时密码")
    user_disable = user_commands.add_parser("disable", help="停用账号")
    user_disable.add_argument("username")
    printing = commands.add_parser(
        "print", help="把公文输出为 PDF：指定公文编号（ID），或用 --samples 生成每种公文的样张")
    printing.add_argument("document_id", nargs="?", help="公文 ID（见“文书”页或 info）")
    printing.add_argument("--out", help="输出的 PDF 文件")
    printing.add_argument("--samples", metavar="DIR",
                          help="按当前数据为每种公文生成一份 PDF 样张，写入该目录")
    enroll = commands.add_parser(
        "enroll", help="在区级平台注册本机（空数据目录时同时从平台建立分中心）")
    enroll.add_argument("--server", required=True, help="区级平台地址，如 https://district.example")
    enroll.add_argument("--street", required=True, help="12 位街道区划代码")
    enroll.add_argument("--user", required=True, help="街道注册账号")
    enroll.add_argument("--password", required=True, help="街道注册密码")
    enroll.add_argument("--ca-file", help="政务网自签证书的 CA 文件（PEM）")
    enroll.add_argument("--proxy", help="代理服务器地址")
    commands.add_parser(
        "sync", help="与区级平台同步一次（上传队列清空且下载到最新时退出码为 0）")
    info = commands.add_parser("info", help="显示本机数据目录与分中心信息")
    info.add_argument("--json", action="store_true", help="以 JSON 输出")

    for verb, help_text in (("import", "从文件导入"),
                            ("export", "导出到 Excel 文件（网格人员名单、执法人员花名册也可导出为 .pdf）"),
                            ("template", "生成导入模板")):
        sub = commands.add_parser(verb, help=help_text)
        kinds = {"import": ("grids", "staff", "boundaries", "roster", "responsibilities"),
                 "export": ("grids", "staff", "roster", "demands", "actions"),
                 "template": ("grids", "staff")}[verb]
        sub.add_argument("what", choices=kinds, help="grids 网格 / staff 网格人员 / roster 执法人员花名册"
                         " / responsibilities 属地管理事项清单 / demands 诉求（.xlsx 或 .csv）"
                         + (" / boundaries 网格边界（GeoJSON 或 Shapefile）" if verb == "import" else "")
                         + (" / actions 联合执法行动（.ics 或 .xlsx，配合 --week）"
                            if verb == "export" else ""))
        sub.add_argument("file", help="文件路径")
        if verb == "export":
            sub.add_argument("--week", help="ISO 周，如 2026-W48（导出 actions 时使用，默认本周）")
    return parser


def main(argv: list[str] | None = None, *, gui: GuiLauncher | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        if gui is None:
            print("本程序的图形界面未安装，请使用子命令（subcenter --help）。", file=sys.stderr)
            return 2
        return gui(args)
    try:
        return _run(args)
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"文件操作失败：{error.filename or ''} {error.strerror or error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    from desktop import commands

    home = Path(args.home) if args.home else None
    handler = getattr(commands, f"cmd_{args.command}")
    message = handler(home, args)
    if message:
        print(message)
    return 0
