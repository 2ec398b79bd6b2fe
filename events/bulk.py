"""Many rows inserted with one `executemany`, for the two writers that insert thousands at once.

Why not `bulk_create`: it prepares every value of every row through the compiler (`prepare_value`,
`field_as_sql`...), which cost more than the import itself on a first sync of 200 calendars
(bench/feed_sync.py: about 3 s for 10,000 ateliers). Here each column gets one converter, chosen once: none
for the types the database drivers take as they are, the backend's adapter for dates and times, and the
field's own `get_db_prep_save` for everything else (JSON, UUID, decimals), so values are stored exactly as
the ORM would store them, on SQLite and PostgreSQL alike. Rows get no primary key back.
"""

from __future__ import annotations

from django.db import connection, models

# Values of exactly these field classes go to the driver untouched, as Django itself passes them. Subclasses
# (a JSON-in-text list field, say) may prepare their values: they take the general path.
AS_IS = (
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.EmailField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.OneToOneField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
)
ADAPTERS = {
    models.DateTimeField: "adapt_datetimefield_value",
    models.DateField: "adapt_datefield_value",
    models.TimeField: "adapt_timefield_value",
}


def _converter(field):
    kind = type(field)
    if kind in AS_IS:
        return None
    if kind in ADAPTERS:
        return getattr(connection.ops, ADAPTERS[kind])
    return lambda value: field.get_db_prep_save(value, connection)


def insert_objects(model, objects) -> int:
    """INSERT unsaved instances of `model` (not their primary key), running `pre_save` like `save()` does,
    so `auto_now` and `auto_now_add` fields are set, on the instances too."""
    objects = list(objects)
    if not objects:
        return 0
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    plan = [(field, _converter(field)) for field in fields]
    values = []
    for instance in objects:
        row = []
        for field, convert in plan:
            value = field.pre_save(instance, True)
            row.append(value if convert is None else convert(value))
        values.append(row)
    ops = connection.ops
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(objects)
