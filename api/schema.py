"""The OpenAPI document of `/api/v1/` (drf-spectacular): our lists only, not Wagtail's own admin API."""

PREFIX = "/api/v1/"


def only_api_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: keep the endpoints under `/api/v1/`."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PREFIX)]
