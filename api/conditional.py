"""ETag, If-None-Match and Last-Modified for the API's lists, so that a peer polling every few minutes gets a
body-less 304 when nothing changed.

The ETag is a hash of the body itself: whatever changes what a client would read (an edit, a deletion, a
page that unpublished, a new page size) changes it, which no "latest `updated_at`" could promise (a deletion
moves no date). The rows are still read to compute it; what is saved is the transfer and the client's work.
`If-Modified-Since` is deliberately not honoured, for that same reason: only the ETag decides a 304.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def body_etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def conditional(request, response, last_modified=None):
    """`response` with its ETag and Last-Modified, or a 304 when the client's If-None-Match matches."""
    response["ETag"] = body_etag(response.content)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Clients may keep the body, but must ask again (with If-None-Match) before using it.
    response["Cache-Control"] = "no-cache"
    return get_conditional_response(request, etag=response["ETag"], response=response)
