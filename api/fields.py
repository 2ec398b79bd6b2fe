"""`?fields=id,nom`: a list that sends, and reads from the database, only the fields asked for.

A peer that follows this instance asks every listing for its ids only (`federation.sync`), to learn what
still exists here: 20,000 full structures for a list of identities would cost both sides for nothing. The
serializer keeps only the fields named (DRF's documented way: removing fields in `__init__`), and the query
loads only the columns they read when each is a plain column, or one across a foreign key; a field computed
from the whole object (its public `url`, a method) loads the rows as without `fields`. An unknown name is a
400 in French, like any other wrong parameter.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

PARAMETER = "fields"


class SparseFieldsMixin:
    """A serializer that keeps only the fields named in its context's `fields` (all when it is empty)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.context.get(PARAMETER)
        if wanted:
            for name in set(self.fields) - set(wanted):
                self.fields.pop(name)


def read_fields(query_params, serializer_class) -> list[str]:
    """The field names of `?fields=` (comma-separated, once each), `id` always among them, or [] for all;
    a 400 in French naming each unknown one. An object without its identity would be of no use to anyone:
    `id` is the one field every answer holds (what the OpenAPI document says, `api.schema`)."""
    names = list(dict.fromkeys(name.strip() for name in query_params.get(PARAMETER, "").split(",")))
    names = [name for name in names if name]
    known = list(serializer_class().fields)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValidationError(
            {
                PARAMETER: [
                    _("Champ inconnu : « %(name)s ». Champs possibles : %(known)s.")
                    % {"name": name[:50], "known": ", ".join(known)}
                    for name in unknown[:5]
                ]
            }
        )
    return list(dict.fromkeys(["id", *names])) if names else []


def _column(model, path: list[str]) -> str | None:
    """`bassin__global_id` for the source `bassin.global_id` of `model`, or None when a step is not a
    concrete field (a property, a method, a reverse relation)."""
    steps = []
    for index, name in enumerate(path):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or (index < len(path) - 1 and not field.many_to_one):
            return None
        steps.append(name)
        model = field.related_model
    return "__".join(steps)


def only_columns(queryset, serializer_class, names: list[str], *, annotations=()):
    """`queryset` reading only what the fields `names` need, or unchanged when one of them needs the whole
    object. Fields whose source is an annotation of the query (`annotations`) need no column.

    Fields read from the object's own columns (`fields=id`) come as dicts (`values()`): a Wagtail page is
    costly to build (~0.3 ms), most of a page of 500 ids. Across a foreign key, as objects with `only()`."""
    if not names:
        return queryset
    fields = serializer_class().fields
    columns, relations = [], set()
    for name in names:
        field = fields[name]
        if field.source in annotations:
            continue
        if isinstance(field, serializers.SerializerMethodField | serializers.BaseSerializer):
            return queryset
        column = _column(queryset.model, field.source.split("."))
        if column is None:
            return queryset
        columns.append(column)
        if "__" in column:
            relations.add(column.rsplit("__", 1)[0])
    queryset = queryset.select_related(None).prefetch_related(None)
    if not relations:
        return queryset.values(*columns, *annotations)
    return queryset.select_related(*relations).only(*columns)


def fields_parameter(serializer_class) -> OpenApiParameter:
    """The OpenAPI description of `fields` for a list: its names as an enumeration, comma-separated."""
    return OpenApiParameter(
        PARAMETER,
        {"type": "array", "items": {"type": "string", "enum": list(serializer_class().fields)}},
        OpenApiParameter.QUERY,
        required=False,
        explode=False,
        description=(
            "Seulement ces champs, séparés par des virgules (par exemple `fields=id`) : la réponse ne "
            "contient qu'eux, et toujours `id`. Un nom inconnu donne une erreur 400."
        ),
    )
