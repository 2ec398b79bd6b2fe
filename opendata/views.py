"""Public open data: the `/donnees/` page and the files it lists (lieux in the national schema, ateliers,
sessions), for the whole territory or one bassin, in CSV and JSON.

Every file starts from what the public sees (live, public structures; public ateliers), is built in a
constant number of queries whatever the number of rows, and carries its licence in the page that lists it.
"""

import csv
import io

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from network.models import BassinPage

from . import ateliers, lieux

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMATS = ("csv", "json")
DATASETS = ("ateliers", "seances")


def _territory(bassin) -> str:
    return bassin.slug if bassin else settings.MAILLAGE_OPENDATA_TERRITORY


def _bassin(slug):
    return get_object_or_404(BassinPage.objects.live().public(), slug=slug) if slug else None


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_response(records: list[dict], filename: str) -> JsonResponse:
    response = JsonResponse(records, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def lieux_export(request, fmt, slug=None):
    """Structures in the national schema: the prescribed file name, every column in the schema's order."""
    if fmt not in FORMATS:
        raise Http404
    bassin = _bassin(slug)
    rows = [lieux.structure_row(structure) for structure in lieux.exported_structures(bassin)]
    filename = lieux.file_name(territory=_territory(bassin), extension=fmt)
    if fmt == "csv":
        return _csv_response(lieux.as_csv(rows), filename)
    return _json_response(lieux.as_json_records(rows), filename)


def _table(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@require_GET
def ateliers_export(request, dataset, fmt, slug=None):
    """Public ateliers, or their sessions to come, as CSV or JSON (see `opendata.ateliers`)."""
    if fmt not in FORMATS or dataset not in DATASETS:
        raise Http404
    bassin = _bassin(slug)
    if dataset == "ateliers":
        columns, rows = (
            ateliers.ATELIER_COLUMNS,
            map(ateliers.atelier_row, ateliers.exported_ateliers(bassin)),
        )
    else:
        columns, rows = (
            ateliers.SESSION_COLUMNS,
            map(ateliers.session_row, ateliers.exported_sessions(bassin)),
        )
    rows = list(rows)
    day = timezone.localdate().isoformat()
    filename = f"{day}_{settings.MAILLAGE_OPENDATA_PRODUCER}_{dataset}_{_territory(bassin)}.{fmt}"
    if fmt == "csv":
        return _csv_response(_table(columns, rows), filename)
    return _json_response(rows, filename)


@require_GET
def donnees(request):
    """The datasets, their licence, their last update, and one link per bassin and format."""
    structures = lieux.exported_structures()
    last = structures.order_by("-last_published_at").values_list("last_published_at", flat=True).first()
    bassins = BassinPage.objects.live().public().order_by("title")
    return render(
        request,
        "opendata/donnees.html",
        {
            "bassins": bassins,
            "updated": timezone.localdate(last) if last else None,
            "structures_count": structures.count(),
            "licence_url": LICENCE_URL,
            "schema_version": lieux.schema()["version"],
            "territory": settings.MAILLAGE_OPENDATA_TERRITORY,
            "meta_description": _(
                "Données ouvertes de Maillage : lieux de médiation numérique au format du schéma national, "
                "ateliers et séances, sous Licence Ouverte 2.0."
            ),
        },
    )
