"""The web client's static files: hashed assets cached, client routes fall back to index.html."""

from __future__ import annotations

import pytest

from tests.conftest import serving


@pytest.fixture
async def node(make_settings, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app-1a2b3c.js").write_text("console.log('sobes')")
    async with serving(make_settings(web_dist=dist)) as running:
        yield running


async def test_client_routes_get_the_index(node):
    client = node.test_client()
    for path in ("/", "/login", "/register", "/some/deep/route"):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        assert "<div id=root>" in await answer.get_data(as_text=True)
        assert answer.headers["Cache-Control"] == "no-cache"


async def test_assets_are_served_with_long_caching(node):
    answer = await node.test_client().get("/assets/app-1a2b3c.js")
    assert answer.status_code == 200
    assert "immutable" in answer.headers["Cache-Control"]
    missing = await node.test_client().get("/assets/missing.js")
    assert missing.status_code == 404
    assert (await missing.get_json())["error"]["code"] == "not_found"


async def test_paths_outside_the_build_are_not_served(node):
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/assets/../../secret.txt"):
        answer = await node.test_client().get(path)
        assert answer.status_code in (200, 404)
        assert "build-system" not in await answer.get_data(as_text=True)


async def test_a_missing_build_says_how_to_build_it(make_settings, tmp_path):
    async with serving(make_settings(web_dist=tmp_path / "nowhere")) as running:
        answer = await running.test_client().get("/")
    assert answer.status_code == 503
    assert (await answer.get_json())["error"]["code"] == "web_client_not_built"


async def test_security_headers(node):
    answer = await node.test_client().get("/")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
