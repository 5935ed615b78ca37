"""OpenAPI schema: every operation documents the errors it can answer.

A client (and the fuzzer in CI) must find every status code in the schema: 400 with
field-by-field messages, 401 without credentials, 403 for a role that may only read,
404 outside the caller's scope (or an invalid page or cursor), 415 for a body the
API cannot read (neither JSON nor a form), and 429 for a list whose search is
throttled.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages by field name (`non_field_errors` for the record as a whole); "
        "each value is a list of messages, or the same structure for nested input."
    ),
    "additionalProperties": {},
}
ERRORS = {
    "400": (FIELD_ERRORS, "Invalid input, field by field."),
    "401": (DETAIL, "No credentials, or invalid ones."),
    "403": (DETAIL, "The caller's role may only read this."),
    "404": (DETAIL, "Not found, or outside the caller's scope."),
}


SEARCH_THROTTLED = (
    DETAIL,
    "Too many searches in a short time (blkk_portal/api/throttling.py); "
    "`Retry-After` says when to try again.",
)


UNSUPPORTED_BODY = (
    DETAIL,
    "The body's Content-Type is none the API reads: JSON, a URL-encoded form or "
    "multipart form data.",
)


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self._searchable_list():
            errors["429"] = SEARCH_THROTTLED
        if self.method in {"POST", "PUT", "PATCH"}:
            errors["415"] = UNSUPPORTED_BODY
        for code, (schema, description) in errors.items():
            if code not in responses:
                response = self._get_response_for_code(schema, code)
                response["description"] = description
                responses[code] = response
        return responses

    def _searchable_list(self) -> bool:
        return (
            self.method == "GET"
            and self._is_list_view()
            and bool(getattr(self.view, "search_fields", None))
        )
