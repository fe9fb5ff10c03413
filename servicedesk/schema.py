"""OpenAPI post-processing: the error answers every API operation can give.

The views document their own successes and the errors particular to them; the
answers that come from the framework around them (DESIGN.md, "API") are added
here to every operation that can produce them, unless a view documented its own:

- 400 for a body or query string that does not validate (or is not JSON);
- 401 without valid credentials (the sign-in endpoints: bad credentials);
- 403 for an unsafe method signed in by session without a CSRF token;
- 404 for an id that does not exist or that the caller may not see, and for a
  page number past the end of a numbered list;
- 429 from the sign-in endpoint after repeated failures.
"""

ERROR = "ApiError"
INVALID = "InvalidInput"

COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": '`{"detail": "message"}`',
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    INVALID: {
        "type": "object",
        "description": '`{"field": ["message"]}` or `{"detail": "message"}`',
        "additionalProperties": True,
    },
}
THROTTLED_PATHS = {"/api/auth/login/"}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def _response(component: str, description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{component}"}
            }
        },
    }


def _errors_for(path: str, method: str, operation: dict) -> dict:
    parameters = operation.get("parameters", [])
    in_query = any(parameter.get("in") == "query" for parameter in parameters)
    in_path = any(parameter.get("in") == "path" for parameter in parameters)
    paged = any(parameter.get("name") == "page" for parameter in parameters)
    by_session = any("cookieAuth" in item for item in operation.get("security", []))
    errors = {"401": _response(ERROR, "No valid credentials.")}
    if "requestBody" in operation or in_query:
        errors["400"] = _response(INVALID, "The input does not validate.")
    if by_session and method in UNSAFE_METHODS:
        errors["403"] = _response(ERROR, "Not allowed (or no CSRF token).")
    if in_path or paged:
        errors["404"] = _response(ERROR, "No such object, or not yours to see.")
    if path in THROTTLED_PATHS:
        errors["429"] = _response(ERROR, "Too many failed sign-ins; wait.")
    return errors


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in _errors_for(path, method, operation).items():
                operation["responses"].setdefault(status, response)
    return result
