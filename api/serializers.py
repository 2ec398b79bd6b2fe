"""What each object of the API says: its Maillage identity, never a local primary key, and public fields only.

Written field by field (plain `Serializer`s, not `ModelSerializer`s) on purpose: a field added to a model one
day (an internal note, a contact for referrals) never reaches the API unless someone lists it here.
"""

from datetime import UTC

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from events.enums import Format

from .fields import SparseFieldsMixin


def own_origin() -> str:
    """This instance's public base URL (`MAILLAGE_BASE_URL`), without a trailing slash: the `origin` of the
    objects created here, which federation compares to recognise its own objects coming back."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def moment(**kwargs):
    """A date and time in UTC (`2026-01-31T08:00:00Z`), whatever the site's time zone."""
    return serializers.DateTimeField(default_timezone=UTC, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "14:00"})
class WallClockTime(serializers.TimeField):
    """An hour of the day in Paris time (`14:00`): RFC 3339's `time` format would demand an offset, which a
    time of day in a series that crosses daylight saving changes has not."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def strings():
    return serializers.ListField(child=serializers.CharField())


class IdentitySerializer(SparseFieldsMixin, serializers.Serializer):
    """The fields every object has: `id`, `updated_at`, `url` (its public page) and `origin`; with
    `?fields=`, only those named (`api.fields`)."""

    updated_at = moment(source="api_updated_at")
    url = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(self.public_path(obj))

    @extend_schema_field(OpenApiTypes.URI)
    def get_origin(self, obj) -> str:
        """Where the object was created: a mirrored copy keeps its peer's address, so that an instance
        following this one back recognises its own objects and never copies them again."""
        return getattr(obj, "origin", "") or own_origin()

    def public_path(self, obj) -> str:
        return obj.get_url(self.context["request"])


class BassinSerializer(IdentitySerializer):
    id = serializers.UUIDField(source="global_id")
    nom = serializers.CharField(source="title")
    departements = strings()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class StructureSerializer(IdentitySerializer):
    """A place on the national « lieux de médiation numérique » schema (v1.0.x) field names, plus its bassin.

    Never here: editors, groups, collections, the referral contact and intake capacity (members only),
    equipment notes and the internal status fields.
    """

    id = serializers.UUIDField(source="global_id")
    bassin = serializers.UUIDField(source="bassin.global_id")
    nom = serializers.CharField(source="title")
    schema_id = serializers.CharField()
    pivot = serializers.CharField()
    typologie = strings()
    structure_parente = serializers.CharField()
    source = serializers.CharField()
    adresse = serializers.CharField()
    complement_adresse = serializers.CharField()
    commune = serializers.CharField()
    code_postal = serializers.CharField()
    code_insee = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    telephone = strings()
    courriels = strings()
    site_web = strings()
    prise_rdv = serializers.CharField()
    fiche_acces_libre = serializers.CharField()
    horaires = serializers.CharField()
    presentation_resume = serializers.CharField()
    presentation_detail = serializers.CharField()
    services = strings()
    publics_specifiquement_adresses = strings()
    prise_en_charge_specifique = strings()
    frais_a_charge = strings()
    itinerance = strings()
    modalites_acces = strings()
    modalites_accompagnement = strings()
    dispositif_programmes_nationaux = strings()
    formations_labels = strings()
    autres_formations_labels = serializers.CharField()
    labels_regionaux = strings()
    status = serializers.CharField()
    accueille_public = serializers.BooleanField(source="receives_public")
    date_maj = serializers.DateField(allow_null=True)


class SessionChangeSerializer(serializers.Serializer):
    """One session of a series that differs from the series: cancelled or full, moved, held elsewhere, under
    its own title. `session` names it by its planned start (its RECURRENCE-ID), which stays when it moves;
    `start` and `end` are its new times when moved, else null; empty place fields: the series' place."""

    session = moment(source="original_start")
    status = serializers.CharField()
    start = moment(source="new_start", allow_null=True)
    end = moment(source="new_end", allow_null=True)
    title = serializers.CharField()
    note = serializers.CharField()
    place_name = serializers.CharField()
    address = serializers.CharField()
    commune = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    seats_taken = serializers.IntegerField()


class AtelierSerializer(IdentitySerializer):
    """A public atelier (one session or a series): what its public page shows, its sessions' changes
    included, so that a peer rebuilds the same sessions. `updated_at` moves when the series or one of its
    sessions changes."""

    id = serializers.CharField(source="uid")
    structure = serializers.UUIDField(source="structure.global_id")
    title = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.SerializerMethodField()
    themes = strings()
    publics = strings()
    level = serializers.CharField()
    kind = serializers.CharField()
    price = serializers.CharField()
    price_amount = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    price_details = serializers.CharField()
    registration = serializers.CharField()
    registration_details = serializers.CharField()
    format = serializers.CharField()
    online = serializers.SerializerMethodField()
    online_url = serializers.CharField()
    place_name = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    wheelchair_accessible = serializers.BooleanField()
    accessibility = strings()
    start_date = serializers.DateField()
    start_time = WallClockTime()
    end_time = WallClockTime()
    end_date = serializers.DateField(allow_null=True)
    all_day = serializers.BooleanField()
    rrule = serializers.CharField()
    rdates = serializers.ListField(
        child=serializers.CharField(), help_text="Séances ajoutées (heure de Paris)."
    )
    exdates = serializers.ListField(
        child=serializers.CharField(), help_text="Séances retirées (heure de Paris)."
    )
    session_changes = SessionChangeSerializer(source="overrides", many=True)
    schedule = serializers.CharField(source="describe_schedule")
    status = serializers.CharField()

    def get_description(self, atelier) -> str:
        """Sanitised HTML (`events.sanitize` on save), internal page links turned into real addresses."""
        return expand_db_html(atelier.description)

    def get_online(self, atelier) -> bool:
        return atelier.format != Format.ON_SITE

    def public_path(self, atelier) -> str:
        return atelier.get_absolute_url()


class SessionSerializer(IdentitySerializer):
    """One dated session of a public atelier; `id` stays the same as long as the session is not moved."""

    id = serializers.SerializerMethodField()
    atelier = serializers.CharField(source="atelier.uid")
    title = serializers.CharField(source="display_title")
    start = moment()
    end = moment()
    status = serializers.CharField()
    place_name = serializers.CharField()
    address = serializers.CharField()
    commune = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)

    def get_id(self, session) -> str:
        return f"{session.atelier.uid}/{session.recurrence_id.astimezone(UTC).isoformat()}"

    def public_path(self, session) -> str:
        return session.atelier.get_absolute_url()
