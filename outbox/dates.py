"""French dates, as every page, e-mail and admin message writes them (« mardi 1er décembre 2026 »).

Here, in the lowest layer, because the outbox writes dates too (why a message was not sent) and may import
nothing above it; `network.text` re-exports it for the apps that know it from there.
"""

from django.utils.dateformat import format as date_format


def french_date(value, pattern: str) -> str:
    """`value` formatted with Django's date `pattern`, writing the first of the month « 1er » as French
    does (« mardi 1er décembre »): the day token `j` becomes an escaped literal on that day."""
    if value is None or value == "":
        return ""
    if getattr(value, "day", None) == 1:
        escaped, previous = [], ""
        for char in pattern:
            escaped.append(r"\1\e\r" if char == "j" and previous != "\\" else char)
            previous = char
        pattern = "".join(escaped)
    return date_format(value, pattern)
