"""The OpenAPI document of `/api/v1/` (drf-spectacular): our lists only, not Wagtail's own admin API."""

PREFIX = "/api/v1/"


def only_api_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: keep the endpoints under `/api/v1/`."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PREFIX)]


# The objects of the lists (`api.serializers`), whose fields may be left out with `?fields=` (`api.fields`).
SPARSE_COMPONENTS = ("Bassin", "Structure", "Atelier", "Session")


def only_id_required(result, generator, request, public):
    """drf-spectacular postprocessing hook: a list's objects hold every field unless `?fields=` names some,
    so only `id` is always there (a follower asks `fields=id`); their other fields are not `required`."""
    for name in SPARSE_COMPONENTS:
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component and "id" in component.get("required", ()):
            component["required"] = ["id"]
    return result
