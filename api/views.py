"""The lists of `/api/v1/`: public bassins, structures, ateliers and sessions, read-only, for anyone.

Every list is ordered by (updated_at, identity) so that pages stay stable while a peer walks them, filters
its query parameters through a form (`api.filters`: a wrong value is a 400 in French), and answers a constant
number of queries whatever its size (rows joined with `select_related`, never read one by one).
"""

from datetime import UTC, datetime
from functools import cached_property

from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Greatest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from events.models import Atelier, Occurrence, SessionOverride
from network.fields import has_any
from network.models import BassinPage, StructurePage

from . import filters, serializers
from .conditional import conditional
from .fields import PARAMETER, fields_parameter, only_columns, read_fields
from .pagination import ApiPagination
from .throttling import ApiAnonThrottle

# Stands for "never" where a page has no date yet, so that ordering and `updated_since` need no NULL case.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# What the forms of `api.filters` accept as text: no NUL character, 200 characters at most.
TEXT = {"type": "string", "maxLength": filters.MAX_TEXT_LENGTH, "pattern": "^[^\\x00]*$"}


def parameter(name, kind, description):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


COMMON_PARAMETERS = [
    parameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        "Objets modifiés strictement après ce moment (ISO 8601 ; sans décalage : heure de Paris).",
    ),
]
ERROR_RESPONSES = {
    304: OpenApiResponse(description="Rien n'a changé depuis l'ETag donné dans If-None-Match."),
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Paramètre invalide (message en français)."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Page de résultats inexistante."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Trop de requêtes : réessayez plus tard."),
}


def atelier_changed_at(prefix: str = ""):
    """When a series or one of its sessions last changed (`Atelier.changed_at`, stored and indexed): what
    peers read as `updated_at`, so that a moved or cancelled session reaches them (`prefix`: the path to the
    atelier)."""
    return F(f"{prefix}changed_at")


def public_structures():
    """Live structures without view restrictions (nor under a restricted bassin): those the public sees."""
    return StructurePage.objects.live().public()


class ApiListView(ListAPIView):
    """A public, read-only, paginated JSON list with ETag/304 (see `api.conditional`).

    No authentication at all: the API shows what the public pages show, to everyone alike, so it neither
    reads sessions nor needs CSRF; anonymous clients are throttled per address (`api.throttling`).
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ApiAnonThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination
    filters_class = filters.ListFilters
    ordering = ("api_updated_at", "global_id")

    def base_queryset(self):
        raise NotImplementedError

    def filter_by(self, queryset, values):
        """Narrow `queryset` by the endpoint's own filters (`values`: the form's cleaned data)."""
        return queryset

    def get_queryset(self):
        values = self.filters_class.read(self.request.query_params)
        queryset = self.filter_by(self.base_queryset(), values)
        if values["updated_since"]:
            queryset = queryset.filter(**{f"{self.ordering[0]}__gt": values["updated_since"]})
        queryset = only_columns(
            queryset, self.serializer_class, self.requested_fields, annotations={"api_updated_at"}
        )
        return queryset.order_by(*self.ordering)

    @cached_property
    def requested_fields(self) -> list[str]:
        """The fields of `?fields=` (all when absent; see `api.fields`), or a 400."""
        return read_fields(self.request.query_params, self.serializer_class)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), PARAMETER: self.requested_fields}

    def finalize_response(self, request, response, *args, **kwargs):
        """A successful list gets its ETag and Last-Modified (the latest change among its rows), or
        becomes a 304; errors (400, 404, 429) are left as they are."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        response.render()
        page = getattr(self.paginator, "page", None)
        last_modified = max((self.updated_at(item) for item in page or ()), default=None)
        return conditional(request, response, last_modified)

    def updated_at(self, item):
        """`item` is an object, or a dict with `?fields=` (`api.fields.only_columns`)."""
        return item["api_updated_at"] if isinstance(item, dict) else item.api_updated_at


class PageListView(ApiListView):
    """Lists of Wagtail pages (bassins, structures): changed when published again."""

    model = None

    def updated_at_expression(self):
        return Coalesce("last_published_at", "first_published_at", Value(EPOCH))

    def base_queryset(self):
        return self.model.objects.live().public().annotate(api_updated_at=self.updated_at_expression())


@extend_schema(
    parameters=[*COMMON_PARAMETERS, fields_parameter(serializers.BassinSerializer)],
    responses={200: serializers.BassinSerializer, **ERROR_RESPONSES},
)
class BassinList(PageListView):
    """Les bassins de vie publiés."""

    model = BassinPage
    serializer_class = serializers.BassinSerializer


@extend_schema(
    parameters=[
        *COMMON_PARAMETERS,
        parameter("bassin", OpenApiTypes.UUID, "Identifiant (`id`) d'un bassin de vie."),
        parameter("commune", TEXT, "Nom exact de la commune."),
        parameter("service", TEXT, "Un service du schéma national (valeur exacte)."),
        parameter("q", TEXT, "Texte cherché dans le nom, la commune et la présentation courte."),
        fields_parameter(serializers.StructureSerializer),
    ],
    responses={200: serializers.StructureSerializer, **ERROR_RESPONSES},
)
class StructureList(PageListView):
    """Les lieux publiés, aux champs du schéma national des lieux de médiation numérique."""

    model = StructurePage
    serializer_class = serializers.StructureSerializer
    filters_class = filters.StructureFilters

    def updated_at_expression(self):
        """Published again, or confirmed « toujours à jour » (which changes the schema's `date_maj`)."""
        return Greatest(super().updated_at_expression(), Coalesce("confirmed_at", Value(EPOCH)))

    def base_queryset(self):
        return super().base_queryset().select_related("bassin")

    def filter_by(self, queryset, values):
        if values["bassin"]:
            queryset = queryset.filter(bassin__global_id=values["bassin"])
        if values["commune"]:
            queryset = queryset.filter(commune__iexact=values["commune"])
        if values["service"]:
            queryset = queryset.filter(has_any("services", [values["service"]]))
        if terms := values["q"].strip():
            queryset = queryset.filter(
                Q(title__icontains=terms)
                | Q(commune__icontains=terms)
                | Q(presentation_resume__icontains=terms)
            )
        return queryset


@extend_schema(
    parameters=[
        *COMMON_PARAMETERS,
        parameter("bassin", OpenApiTypes.UUID, "Identifiant (`id`) d'un bassin de vie."),
        parameter("structure", OpenApiTypes.UUID, "Identifiant (`id`) d'une structure."),
        fields_parameter(serializers.AtelierSerializer),
    ],
    responses={200: serializers.AtelierSerializer, **ERROR_RESPONSES},
)
class AtelierList(ApiListView):
    """Les ateliers publics (jamais ceux réservés aux professionnel·les) des structures publiées."""

    serializer_class = serializers.AtelierSerializer
    filters_class = filters.AtelierFilters
    ordering = ("api_updated_at", "uid")

    def base_queryset(self):
        return (
            Atelier.objects.public_of(public_structures())
            .annotate(api_updated_at=atelier_changed_at())
            .select_related("structure")
            .prefetch_related(Prefetch("overrides", SessionOverride.objects.order_by("original_start")))
        )

    def filter_by(self, queryset, values):
        if values["bassin"]:
            queryset = queryset.filter(structure__bassin__global_id=values["bassin"])
        if values["structure"]:
            queryset = queryset.filter(structure__global_id=values["structure"])
        return queryset


@extend_schema(
    parameters=[
        *COMMON_PARAMETERS,
        parameter("bassin", OpenApiTypes.UUID, "Identifiant (`id`) d'un bassin de vie."),
        parameter("structure", OpenApiTypes.UUID, "Identifiant (`id`) d'une structure."),
        parameter("atelier", {**TEXT, "maxLength": 255}, "Identifiant (`id`) d'un atelier."),
        parameter("start_after", OpenApiTypes.DATETIME, "Séances commençant à ce moment ou après."),
        parameter("start_before", OpenApiTypes.DATETIME, "Séances commençant avant ce moment."),
        fields_parameter(serializers.SessionSerializer),
    ],
    responses={200: serializers.SessionSerializer, **ERROR_RESPONSES},
)
class SessionList(ApiListView):
    """Les séances datées des ateliers publics (les douze prochains mois, et les passées encore gardées)."""

    serializer_class = serializers.SessionSerializer
    filters_class = filters.SessionFilters
    ordering = ("api_updated_at", "atelier__uid", "recurrence_id", "pk")

    def base_queryset(self):
        return (
            Occurrence.objects.public_of(public_structures())
            .annotate(api_updated_at=atelier_changed_at("atelier__"))
            .select_related("atelier")
        )

    def filter_by(self, queryset, values):
        if values["bassin"]:
            queryset = queryset.filter(atelier__structure__bassin__global_id=values["bassin"])
        if values["structure"]:
            queryset = queryset.filter(atelier__structure__global_id=values["structure"])
        if values["atelier"]:
            queryset = queryset.filter(atelier__uid=values["atelier"])
        if values["start_after"]:
            queryset = queryset.filter(start__gte=values["start_after"])
        if values["start_before"]:
            queryset = queryset.filter(start__lt=values["start_before"])
        return queryset
