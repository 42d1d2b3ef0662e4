"""Administrative subcommands: database migration, registry import, users, seasons, reports."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from settings import Settings

ACTOR_HELP = "记录在审计日志中的操作人（默认为当前系统用户）"


def add_admin_commands(commands: argparse._SubParsersAction) -> None:
    """Register the administrative subcommands on the main parser."""
    commands.add_parser("migrate", help="创建或升级关系数据库结构")

    registry = commands.add_parser("registry", help="登记数据（供热单位、热力站、住户、设备）")
    registry_commands = registry.add_subparsers(dest="registry_command", required=True, metavar="操作", parser_class=commands._parser_class)
    load = registry_commands.add_parser("import", help="从 CSV 或 Excel 文件导入登记数据")
    load.add_argument("file", type=Path, help="CSV（UTF-8 或 GBK）或 .xlsx 文件")
    load.add_argument("--actor", default=getpass.getuser(), help=ACTOR_HELP)

    user = commands.add_parser("user", help="用户账号")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="操作", parser_class=commands._parser_class)
    add = user_commands.add_parser("add", help="新建用户")
    add.add_argument("username", help="用户名")
    add.add_argument("--role", required=True, choices=["admin", "inspector", "company", "public"],
                     help="角色：admin 局管理员，inspector 检查员，company 供热单位，public 公众")
    add.add_argument("--unit", help="供热单位编号（company 角色必填）")
    add.add_argument("--password-env", default="HEATSCORE_NEW_USER_PASSWORD",
                     help="从该环境变量读取密码；未设置时在终端提示输入（默认 HEATSCORE_NEW_USER_PASSWORD）")
    add.add_argument("--actor", default=getpass.getuser(), help=ACTOR_HELP)

    season = commands.add_parser("season", help="供暖期：建立、年度考核、冻结")
    season_commands = season.add_subparsers(dest="season_command", required=True, metavar="操作", parser_class=commands._parser_class)
    create = season_commands.add_parser("create", help="建立供暖期")
    create.add_argument("code", help="供暖期编号，如 2024-2025")
    create.add_argument("--start", required=True, help="官方开始供热日（含），YYYY-MM-DD")
    create.add_argument("--end", required=True, help="官方停止供热日（含），YYYY-MM-DD")
    create.add_argument("--rubric", required=True, help="供热单位评分细则编号，如 baotou-2024")
    create.add_argument("--actor", default=getpass.getuser(), help=ACTOR_HELP)
    assess = season_commands.add_parser("assess", help="计算季节指标并进行年度考核、排名（冻结的结果不变）")
    assess.add_argument("code", help="供暖期编号")
    assess.add_argument("--actor", default=getpass.getuser(), help=ACTOR_HELP)
    freeze = season_commands.add_parser("freeze", help="冻结供暖期全部考核结果，冻结后不可再改")
    freeze.add_argument("code", help="供暖期编号")
    freeze.add_argument("--actor", default=getpass.getuser(), help=ACTOR_HELP)

    report = commands.add_parser("report", help="生成供暖期考核结果报告（HTML 与 Excel）")
    report.add_argument("code", help="供暖期编号")
    report.add_argument("--out", type=Path, default=None, help="输出目录（默认 <数据目录>/reports/<供暖期>）")


def run_admin_command(settings: Settings, arguments: argparse.Namespace) -> int:
    """Run one administrative subcommand; return the exit code."""
    import sqlalchemy.exc

    from scoring.annual import AssessmentInputError
    from storage.registry import RegistryError, upgrade_database

    try:
        upgrade_database(settings.database_url)
    except (sqlalchemy.exc.ArgumentError, sqlalchemy.exc.OperationalError) as error:
        print(f"错误：无法打开关系数据库（HEATSCORE_DATABASE_URL）：{str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    handlers = {
        "migrate": lambda: print("关系数据库结构已是最新"),
        "registry": lambda: _import_registry(settings, arguments),
        "user": lambda: _add_user(settings, arguments),
        "season": lambda: _season(settings, arguments),
        "report": lambda: _report(settings, arguments),
    }
    try:
        result = handlers[arguments.command]()
    except (RegistryError, AssessmentInputError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"错误：无法读写文件 {error.filename}：{error.strerror}", file=sys.stderr)
        return 1
    except EOFError:
        print("错误：没有读到输入；请通过 --password-env 指定的环境变量提供密码", file=sys.stderr)
        return 2
    return result or 0


def _import_registry(settings: Settings, arguments: argparse.Namespace) -> int:
    from storage.registry import import_registry, session_scope

    with session_scope(settings.database_url) as session:
        report = import_registry(session, arguments.file, arguments.actor)
    print(report.summary())
    return 0 if report.ok else 1


def _add_user(settings: Settings, arguments: argparse.Namespace) -> int:
    import os

    from storage.registry import create_user, session_scope

    password = os.environ.get(arguments.password_env) or getpass.getpass("密码：")
    if len(password) < 8:
        print("错误：密码至少 8 个字符", file=sys.stderr)
        return 2
    with session_scope(settings.database_url) as session:
        create_user(session, username=arguments.username, password=password, role=arguments.role,
                    unit_code=arguments.unit, actor=arguments.actor)
    print(f"已创建用户 {arguments.username}（角色 {arguments.role}）")
    return 0


def _season(settings: Settings, arguments: argparse.Namespace) -> int:
    from datetime import date

    from storage.registry import create_season, freeze_season_results, session_scope

    if arguments.season_command == "create":
        from scoring.rubric import load_shipped_rubric, shipped_rubric_ids

        try:
            load_shipped_rubric(arguments.rubric)
        except Exception:  # noqa: BLE001 - any failure means the id is unusable
            print(f"错误：评分细则 '{arguments.rubric}' 不存在；可用：{'、'.join(shipped_rubric_ids())}", file=sys.stderr)
            return 2
        with session_scope(settings.database_url) as session:
            create_season(session, code=arguments.code, official_start=date.fromisoformat(arguments.start),
                          official_end=date.fromisoformat(arguments.end), rubric_version=arguments.rubric,
                          actor=arguments.actor)
        print(f"已建立供暖期 {arguments.code}")
        return 0
    if arguments.season_command == "freeze":
        with session_scope(settings.database_url) as session:
            count = freeze_season_results(session, season_code=arguments.code, actor=arguments.actor)
        print(f"已冻结供暖期 {arguments.code} 的 {count} 个考核结果")
        return 0
    return assess_and_print(settings, arguments.code, arguments.actor)


def assess_and_print(settings: Settings, season_code: str, actor: str) -> int:
    """Compute the season's indicators, assess and rank, and print the ranking."""
    from scoring.annual import explain_ranking
    from scoring.assessment import AssessmentError, assess_season
    from scoring.season import compute_season_indicators
    from storage.registry import session_scope

    try:
        with session_scope(settings.database_url) as session:
            snapshots = compute_season_indicators(settings, session, season_code)
            outcome = assess_season(session, season_code=season_code, snapshots=snapshots, actor=actor)
    except AssessmentError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    for ranking in outcome.rankings:
        print(explain_ranking(ranking))
        print()
    if outcome.skipped_frozen:
        print(f"已冻结、未重新计算的单位：{', '.join(outcome.skipped_frozen)}")
    for problem in outcome.skipped_entries:
        print(f"未计入的人工录入（不符合评分细则，请检查员更正）：{problem}")
    return 0


def _report(settings: Settings, arguments: argparse.Namespace) -> int:
    from scoring.reports import write_season_reports
    from storage.registry import session_scope

    folder = arguments.out or settings.data_dir / "reports" / arguments.code
    with session_scope(settings.database_url) as session:
        files = write_season_reports(session, season_code=arguments.code, folder=folder)
    print(f"排名报告：{files.ranking_html}")
    print(f"Excel 表格：{files.ranking_xlsx}")
    print(f"单位报告：{len(files.company_pages)} 份，位于 {folder}")
    return 0
