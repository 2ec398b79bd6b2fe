"""Many rows inserted or updated with one `executemany`, for the writers that touch thousands at once.

Why not `bulk_create`: it prepares every value of every row through the compiler (`prepare_value`,
`field_as_sql`...), which cost more than the import itself on a first sync of 200 calendars
(bench/feed_sync.py: about 3 s for 10,000 ateliers). Here each column gets one converter, chosen once: none
for the types the database drivers take as they are, the backend's adapter for dates and times, and the
field's own `get_db_prep_save` for everything else (JSON, UUID, decimals), so values are stored exactly as
the ORM would store them, on SQLite and PostgreSQL alike. Rows get no primary key back.

Updates go the same way: `bulk_update` writes one `CASE WHEN` per column over all the rows, and a `save()`
per row compiles its statement each time, which was most of a feed re-sync after a few changes.

Reads too (`select_objects`): a `QuerySet` or `RawQuerySet` looks up each column's converters and the model's
init order on every query, which cost ten times the query itself for the few rows a re-sync loads per feed.
"""

from __future__ import annotations

from operator import attrgetter

from django.conf import settings
from django.db import connection, models

from network.fields import ChoiceListField

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
LIST_FIELDS = (models.JSONField, ChoiceListField)  # whose values are often `[]`
ADAPTERS = {
    models.DateTimeField: "adapt_datetimefield_value",
    models.DateField: "adapt_datefield_value",
    models.TimeField: "adapt_timefield_value",
}


# (database, its time zone settings, fields, extra) -> `_plan`. The converters hold no other state, so one
# plan serves every connection (thread) to the same database.
PLANS: dict[tuple, tuple] = {}
# (database, its time zone settings, model, table alias) -> `_read_plan`.
READ_PLANS: dict[tuple, tuple] = {}


def _converter(field):
    kind = type(field)
    if kind in AS_IS:
        return None
    if kind is models.DateTimeField and connection.vendor == "sqlite" and settings.USE_TZ:
        return _sqlite_datetime(connection.timezone)
    if kind in ADAPTERS:
        return getattr(connection.ops, ADAPTERS[kind])
    return _prepared(field)


def _prepared(field):
    """The field's own `get_db_prep_save`, with the empty list prepared once: most list fields of a new
    atelier (accessibility, RDATE, EXDATE...) are empty, and encoding each was a tenth of a first sync."""
    empty = field.get_db_prep_save([], connection) if isinstance(field, LIST_FIELDS) else None

    def prepare(value):
        if empty is not None and value == [] and type(value) is list:
            return empty
        return field.get_db_prep_save(value, connection)

    return prepare


def _sqlite_datetime(zone):
    """SQLite's `adapt_datetimefield_value` with `USE_TZ`, minus its generic checks (the same text comes out):
    three datetimes per session made it a fifth of a first sync's inserts."""

    def adapt(value):
        if value is None:
            return None
        if value.utcoffset() is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return str(value)

    return adapt


def _needs_pre_save(field) -> bool:
    """Whether `pre_save` does more than read the attribute (`auto_now`, files...)."""
    if type(field).pre_save is models.Field.pre_save:
        return False
    if isinstance(field, models.DateField):  # DateTimeField too
        return field.auto_now or field.auto_now_add
    return True


def _rows(objects, fields, *, add: bool, extra=()) -> list[list]:
    """Each instance's values of `fields` as the database takes them, `extra` attributes appended as is.

    One `attrgetter` call reads a whole row; `pre_save` runs only for the fields that need it, and each
    column's converter is chosen once per statement shape (`_plan`).
    """
    read, width, special, converters = _plan(tuple(fields), tuple(extra))
    rows = []
    for instance in objects:
        row = list(read(instance)) if width > 1 else [read(instance)]
        for index, field in special:
            row[index] = field.pre_save(instance, add)
        for index, convert in converters:
            row[index] = convert(row[index])
        rows.append(row)
    return rows


def _plan(fields: tuple, extra: tuple):
    """How to read and convert rows of `fields` (+ `extra`), kept per database: a sync writes the same few
    shapes of rows again and again, a handful at a time, and choosing converters cost more than writing."""
    key = (connection.alias, connection.vendor, settings.USE_TZ, connection.timezone_name, fields, extra)
    plan = PLANS.get(key)
    if plan is None:
        names = [field.attname for field in fields] + list(extra)
        special = [(index, field) for index, field in enumerate(fields) if _needs_pre_save(field)]
        converters = [(index, conv) for index, field in enumerate(fields) if (conv := _converter(field))]
        plan = PLANS[key] = (attrgetter(*names), len(names), special, converters)
    return plan


def insert_objects(model, objects) -> int:
    """INSERT unsaved instances of `model` (not their primary key), running `pre_save` like `save()` does,
    so `auto_now` and `auto_now_add` fields are set, on the instances too."""
    objects = list(objects)
    if not objects:
        return 0
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    values = _rows(objects, fields, add=True)
    ops = connection.ops
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(objects)


def update_objects(model, objects, field_names) -> int:
    """UPDATE the `field_names` columns of saved instances of `model` by primary key, with one `executemany`.

    Runs `pre_save` like `save(update_fields=...)` does (an `auto_now` field listed is stamped, on the
    instances too). No signal is sent: callers are writers that own these rows (the feed sync).
    """
    objects = list(objects)
    if not objects:
        return 0
    fields = [model._meta.get_field(name) for name in field_names]
    values = _rows(objects, fields, add=False, extra=["pk"])
    ops = connection.ops
    assignments = ", ".join(f"{ops.quote_name(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET {assignments} "
        f"WHERE {ops.quote_name(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(objects)


def delete_where_in(model, field_name: str, values, *, batch_size: int = 500) -> None:
    """DELETE the rows of `model` whose `field_name` is in `values`, straight in SQL, by batches.

    Only for models nothing points to and no signal listens on (occurrences): `QuerySet.delete()` would
    first ask its collector about both, on every call of a sync.
    """
    values = list(values)
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    column = ops.quote_name(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        for offset in range(0, len(values), batch_size):
            batch = values[offset : offset + batch_size]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", batch)


def _read_plan(model, alias: str):
    """`SELECT <columns> FROM <table> <alias>`, the attribute names, and the converters the ORM would apply
    to each column (the backend's, then the field's)."""
    key = (connection.alias, connection.vendor, settings.USE_TZ, connection.timezone_name, model, alias)
    plan = READ_PLANS.get(key)
    if plan is None:
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                converters.append((index, column, functions))
        names = tuple(field.attname for field in fields)
        quote = connection.ops.quote_name
        columns = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
        select = f"SELECT {columns} FROM {quote(model._meta.db_table)} {alias}"
        plan = READ_PLANS[key] = (select, names, converters)
    return plan


def select_objects(model, tail: str, params, *, alias: str = "t") -> list:
    """Instances of `model` from `SELECT <its columns> FROM <its table> <alias> <tail>`, as the ORM's.

    `tail` is the rest of the statement (joins, WHERE...), naming the model's table `alias`. Values go
    through the same converters as in a `QuerySet` (dates, booleans, JSON...), and instances come from
    `Model.from_db`, so they are saved, not adding, and bound to this database, like the ORM's.
    """
    select, names, converters = _read_plan(model, alias)
    sql = f"{select} {tail}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    objects = []
    for row in rows:
        if converters:
            row = list(row)
            for index, column, functions in converters:
                value = row[index]
                for convert in functions:
                    value = convert(value, column, connection)
                row[index] = value
        objects.append(model.from_db(connection.alias, names, row))
    return objects
