"""The peers of bench/http.py: bare Quart, served exactly as `sobes serve` serves.

`GET /hello` answers a constant; `GET /session` runs the same single session query as
`GET /api/v1/me` through a plain asyncpg pool, with no auth layer, middleware or logging.

Run it as `python -m bench.bare_app PORT [DATABASE_URL]` from the repository root.
"""

from __future__ import annotations

import sys

import asyncpg
import uvicorn
from quart import Quart, jsonify, request

from server.accounts.sessions import COOKIE_NAME, RESOLVE_QUERY, token_hash
from server.cli import uvicorn_config

app = Quart("bare")
pools: list[asyncpg.Pool] = []


@app.before_serving
async def open_pool() -> None:
    if len(sys.argv) > 2:
        pools.append(await asyncpg.create_pool(sys.argv[2], min_size=2, max_size=20))


@app.get("/hello")
async def hello():  # type: ignore[no-untyped-def]
    return {"hello": "world"}


@app.get("/session")
async def session():  # type: ignore[no-untyped-def]
    async with pools[0].acquire() as conn:
        row = await conn.fetchrow(RESOLVE_QUERY, token_hash(request.cookies[COOKIE_NAME]))
    return jsonify({"email": row["email"]})


if __name__ == "__main__":
    uvicorn.Server(uvicorn_config(app, "127.0.0.1", int(sys.argv[1]), "127.0.0.1")).run()
