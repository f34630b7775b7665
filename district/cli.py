"""``subcenter-district``: start the reference district server with uvicorn."""

from __future__ import annotations

import argparse
import logging
import secrets
from pathlib import Path

from district.server import Server, Settings


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="subcenter-district", description="区级平台参考实现（街道分中心同步服务）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default="sqlite:///district.db",
                        help="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://…")
    parser.add_argument("--files", type=Path, help="附件存放目录（默认在数据库文件旁）")
    parser.add_argument("--demo", action="store_true",
                        help="演示模式：预置多个街道和数据，所有街道接受 demo / demo-password 注册")
    parser.add_argument("--admin-token", help="管理口令（默认随机生成并打印）")
    parser.add_argument("--access-token-ttl", type=int, default=15 * 60,
                        help="访问令牌有效期（秒），默认 900")
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> Server:
    settings = Settings(db_url=args.db, files_dir=args.files, demo=args.demo,
                        admin_token=args.admin_token or secrets.token_urlsafe(18),
                        access_token_ttl=args.access_token_ttl)
    server = Server(settings)
    if args.demo:
        from district.demo import seed_demo

        seed_demo(server.db)
    return server


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from district.app import create_app

    args = parse(argv)
    logging.basicConfig(level=args.log_level.upper())
    server = build(args)
    base = f"http://{args.host}:{args.port}"
    print(f"区级平台参考实现已启动：{base}/api/hello", flush=True)
    print(f"管理页：{base}/admin?token={server.settings.admin_token}", flush=True)
    print(f"管理口令（admin token）：{server.settings.admin_token}", flush=True)
    if args.demo:
        print("演示模式：任一街道可用 demo / demo-password 注册；芙蓉街道代码 430102007000",
              flush=True)
    uvicorn.run(create_app(server=server), host=args.host, port=args.port,
                log_level=args.log_level, timeout_graceful_shutdown=2)


if __name__ == "__main__":
    main()
