"""The OpenAPI schema: valid, warning-free, and carrying every field of the contract.

`CONTRACT` is DESIGN.md's "REST API contract" table, written out: each path with the
fields (besides `id`) and filters the table fixes. The API may offer more; it may not
offer less or rename anything.
"""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

CONTRACT = {
    "provinces": (["code", "name"], []),
    "regencies": (["code", "name", "province"], ["province"]),
    "vocational-fields": (["code", "name"], []),
    "blkks": (
        [
            "code", "name", "host_institution", "institution_type", "regency",
            "address", "established_year", "vocational_fields", "grade",
            "lsp_status", "lsp_license_number", "lsp_licensed_on", "is_incubator",
            "is_active",
        ],
        ["province", "regency", "vocational_field", "grade", "is_incubator", "search"],
    ),
    "training-batches": (
        ["blkk", "vocational_field", "name", "start_date", "end_date", "capacity"],
        ["blkk"],
    ),
    "trainees": (
        [
            "nik", "full_name", "gender", "birth_date", "phone", "regency",
            "education", "has_disability", "prior_status", "blkk", "registered_on",
        ],
        ["blkk", "province", "search"],
    ),
    "enrollments": (
        ["trainee", "batch", "status", "completed_on"],
        ["batch", "trainee", "status"],
    ),
    "certifications": (
        [
            "trainee", "scheme", "lsp_name", "issued_on", "result", "number",
            "valid_until",
        ],
        ["trainee"],
    ),
    "graduate-outcomes": (
        ["trainee", "surveyed_on", "status", "employer_or_business", "monthly_income"],
        ["trainee", "status"],
    ),
    "partners": (
        ["name", "kind", "regency", "contact_name", "phone", "email"],
        ["kind", "search"],
    ),
    "partnerships": (
        [
            "partner", "blkk", "purposes", "agreement_number", "signed_on",
            "start_date", "end_date", "is_active",
        ],
        ["blkk", "partner", "purpose", "is_active"],
    ),
    "grade-assessments": (
        [
            "blkk", "assessed_on", "assessed_by", "grade", "has_competent_managers",
            "has_certified_instructors", "is_licensed", "tracks_alumni",
            "has_partnerships", "produces_goods_or_services", "is_self_funding",
            "note",
        ],
        ["blkk", "grade"],
    ),
    "cohorts": (
        [
            "blkk", "name", "year", "start_date", "end_date", "status",
            "applications_open_on", "applications_close_on",
        ],
        ["blkk", "status"],
    ),
    "ventures": (
        [
            "cohort", "name", "sector", "founders", "stage", "nib", "started_on",
            "stage_history",
        ],
        ["cohort", "blkk", "stage"],
    ),
    "milestones": (["venture", "title", "due_on", "done_on"], ["venture"]),
    "venture-metrics": (
        ["venture", "period", "revenue", "workers", "customers"],
        ["venture", "period"],
    ),
    "assistance": (
        [
            "blkk", "venture", "year", "kind", "description", "value", "proposed_on",
            "status", "approved_on", "delivered_on", "handover_number",
            "last_checked_on", "condition", "status_history",
        ],
        ["blkk", "venture", "year", "kind", "status"],
    ),
    "mentors": (
        [
            "user", "full_name", "expertise", "affiliation", "home_blkk",
            "max_active_assignments",
        ],
        [],
    ),
    "mentor-assignments": (
        ["mentor", "venture", "blkk", "start_date", "end_date", "status"],
        ["mentor", "venture"],
    ),
    "mentoring-sessions": (
        [
            "assignment", "held_on", "duration_minutes", "mode", "topics", "notes",
            "action_items", "mentee_rating",
        ],
        ["assignment", "mentor", "held_after", "held_before"],
    ),
    "instructors": (
        [
            "blkk", "full_name", "gender", "phone", "vocational_fields",
            "employment", "is_active", "qualifications",
        ],
        ["blkk", "vocational_field", "is_active"],
    ),
    "instructor-qualifications": (
        ["instructor", "kind", "title", "issuer", "number", "issued_on", "valid_until"],
        ["instructor", "kind"],
    ),
    "cohort-applications": (
        [
            "cohort", "applicant", "co_applicants", "business_name", "sector", "idea",
            "received_on", "status", "score", "venture",
        ],
        ["cohort", "status", "blkk"],
    ),
    "application-reviews": (
        [
            "application", "reviewer", "market", "team", "feasibility",
            "job_potential", "comment",
        ],
        ["application"],
    ),
    "reports": (
        ["scope", "scope_code", "period", "kpis", "generated_at", "files"],
        ["scope", "scope_code", "period"],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    # --fail-on-warn: an unresolvable field or filter would be a guess in the schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def _resolve(schema: dict, ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref")
    if ref is None:
        return ref_or_schema
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("resource", list(CONTRACT))
def test_every_contract_field_is_in_the_response_schema(schema, resource):
    fields, _filters = CONTRACT[resource]
    detail_path = next(
        path for path in schema["paths"] if path.startswith(f"/api/v1/{resource}/{{")
    )
    response = schema["paths"][detail_path]["get"]["responses"]["200"]
    component = _resolve(schema, response["content"]["application/json"]["schema"])
    assert {"id", *fields} <= set(component["properties"])


@pytest.mark.parametrize("resource", list(CONTRACT))
def test_every_contract_filter_is_documented(schema, resource):
    _fields, filters = CONTRACT[resource]
    listed = schema["paths"][f"/api/v1/{resource}/"]["get"]
    names = {parameter["name"] for parameter in listed.get("parameters", [])}
    assert set(filters) <= names


def test_the_special_routes_are_documented(schema):
    paths = schema["paths"]
    assert "post" in paths["/api/v1/auth/token/"]
    assert "201" in paths["/api/v1/ventures/{id}/stage/"]["post"]["responses"]
    assert "202" in paths["/api/v1/reports/generate/"]["post"]["responses"]
    assert "post" not in paths["/api/v1/reports/"]  # reports are generated, not posted


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        if path == "/api/v1/auth/token/":
            continue  # answers 400 and 429, and needs no credentials
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert "415" in codes, (method, path)


def test_a_body_the_api_cannot_read_is_the_documented_415(api, ministry_user):
    response = api(ministry_user).generic(
        "POST", "/api/v1/placements/", "<placement/>", content_type="text/xml"
    )

    assert response.status_code == 415
    assert "detail" in response.json()


def test_enrolling_by_nik_is_in_the_request_schema(schema):
    request = schema["components"]["schemas"]["EnrollmentRequest"]
    assert request["properties"]["trainee_nik"]["writeOnly"] is True


def test_an_application_not_yet_accepted_has_no_venture_in_the_schema_too(schema):
    venture = schema["components"]["schemas"]["CohortApplication"]["properties"][
        "venture"
    ]

    assert venture["nullable"] is True
