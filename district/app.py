"""The FastAPI application of the reference district server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from district import admin, admin_page, api
from district.errors import install_handlers
from district.middleware import BodyLimitAndGunzip
from district.server import Server, Settings

DESCRIPTION = (
    "Sync protocol between a street command sub-center (街道综合指挥分中心) and its "
    "district platform. The rules that a schema cannot express are in PROTOCOL.md.")


def create_app(settings: Settings | None = None, server: Server | None = None) -> FastAPI:
    server = server or Server(settings or Settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        server.close()

    app = FastAPI(title="Sub-center ↔ district sync", version="1", description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.server = server
    install_handlers(app)
    app.include_router(api.hello_router)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(admin_page.router)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(BodyLimitAndGunzip)
    return app
