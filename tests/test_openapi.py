"""The OpenAPI 3.1 document is generated from the code and describes every API route."""

from __future__ import annotations


async def test_openapi_document_lists_every_api_route(app):
    answer = await app.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = await answer.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Sobes API"
    paths = document["paths"]
    for path, method in [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/organisation/members", "post"),
        ("/api/v1/audit", "get"),
    ]:
        assert method in paths[path], (path, method)
    register = paths["/api/v1/auth/register"]["post"]
    request_schema = register["requestBody"]["content"]["application/json"]["schema"]
    assert request_schema["title"] == "RegisterRequest"
    assert set(request_schema["required"]) == {"email", "password", "full_name"}
    assert request_schema["additionalProperties"] is False
    created = register["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["properties"]["user"]["$ref"].endswith("/UserOut")
    assert "UserOut" in document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["session"]["in"] == "cookie"
    assert not any(p.startswith("/<") or "client_path" in p for p in paths)
