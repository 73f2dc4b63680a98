"""The built React client, served as static files with a fallback to ``index.html``."""

from __future__ import annotations

from pathlib import Path

from quart import Blueprint, Response, send_from_directory
from quart_schema import hide
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from server.errors import ApiError
from server.runtime import runtime

blueprint = Blueprint("web", __name__)


class ClientPathConverter(PathConverter):
    """Any path except the API's and Socket.IO's, so their unknown URLs stay JSON 404s."""

    regex = r"(?!api/|api$|socket\.io/)[^/].*?"


async def _index(dist: Path) -> Response:
    if not (dist / "index.html").is_file():
        raise ApiError(
            503,
            "web_client_not_built",
            "the web client is not built; run `make run` or `npm run build` in clients/web",
        )
    response = await send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/")
@hide
async def index() -> Response:
    return await _index(runtime().settings.web_dist)


@blueprint.get("/<client_path:path>")
@hide
async def client_file(path: str) -> Response:
    dist = runtime().settings.web_dist
    try:
        response = await send_from_directory(dist, path)
    except NotFound:
        if Path(path).suffix:  # a missing asset, not a client-side route
            raise ApiError(404, "not_found", "no such file") from None
        return await _index(dist)
    if path.startswith("assets/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
