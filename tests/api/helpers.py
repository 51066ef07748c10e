"""Shared builders and assertions of the API tests."""


def order_body(**overrides):
    body = {
        "kind": "product",
        "customer": {"external_id": "C-1"},
        "lines": [
            {"item": {"external_id": "SKU-1"}, "quantity": "2", "options": {"fabric": "Велюр"}}
        ],
        "external_id": "1C-000123",
        "payment_terms": "prepay",
        "comment": "По договору 12",
    }
    body.update(overrides)
    return body


def assert_problem(response, expected_status, /, **errors):
    """A problem+json body with this status; `errors` (path=fragment) must name the fields."""
    assert response.status_code == expected_status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == expected_status
    assert {"type", "title", "detail"} <= body.keys()
    for path, fragment in errors.items():
        path = path.replace("__", ".")
        assert path in body.get("errors", {}), body
        assert any(fragment in message for message in body["errors"][path]), body
    return body
