"""A letter as an e-mail: subject, plain text and HTML parts, links with signed tokens, list headers.

The HTML is written for mail clients, not browsers: inline styles, tables for layout, no stylesheet, no
script, no image, `lang="fr"`, real headings. The same HTML is what « Voir dans le navigateur » serves.
Links are absolute (`WAGTAILADMIN_BASE_URL`): a letter is read far from the site.

Tokens are signed with the project's secret and a salt per use, and carry no timestamp: an unsubscribe
link must work in a letter found months later (RFC 8058 lets providers keep using it), and the same letter
always has the same links.
"""

from __future__ import annotations

from collections import OrderedDict
from email.utils import make_msgid
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from network.text import french_date
from outbox.links import absolute_url

from .content import Digest
from .weeks import parse_week

UNSUBSCRIBE_SALT = "digest.unsubscribe"
PREVIEW_SALT = "digest.preview"


def unsubscribe_token(subscription_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(subscription_id)


def read_unsubscribe_token(token: str) -> int:
    """The subscription id in `token`; `signing.BadSignature` when it was not made here."""
    return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token))


def preview_token(subscription_id: int, week: str) -> str:
    return signing.Signer(salt=PREVIEW_SALT).sign_object([subscription_id, week])


def read_preview_token(token: str) -> tuple[int, str]:
    subscription_id, week = signing.Signer(salt=PREVIEW_SALT).unsign_object(token)
    return int(subscription_id), parse_week(str(week))


@lru_cache(maxsize=8)
def _site_links(base: str) -> dict[str, str]:
    return {
        "preferences": base + reverse("digest:preferences"),
        "agenda": base + reverse("events:agenda"),
        "site": base + "/",
    }


def links(digest: Digest) -> dict[str, str]:
    """Absolute addresses of the letter's own links (preferences, unsubscribe, browser view)."""
    base = absolute_url()
    subscription_id = digest.reader.subscription_id
    result = dict(_site_links(base))
    if subscription_id is not None:
        result["unsubscribe"] = base + reverse(
            "digest:unsubscribe", kwargs={"token": unsubscribe_token(subscription_id)}
        )
        result["browser"] = base + reverse(
            "digest:preview_week", kwargs={"token": preview_token(subscription_id, digest.week)}
        )
    return result


def subject(digest: Digest) -> str:
    return _subject(digest.week_number, digest.start, digest.end)


@lru_cache(maxsize=64)
def _subject(number: int, start, end) -> str:
    with translation.override("fr"):
        return _("Maillage, semaine %(number)s : vos ateliers du %(start)s au %(end)s") % {
            "number": number,
            "start": french_date(start, "j F"),
            "end": french_date(end, "j F Y"),
        }


class Fragments:
    """Rendered parts of letters (a bassin's sessions, the news, the members' events), kept per process.

    Readers share their filters far more than not: of 10,000 letters, most show the same few dozen
    bassin sections. Each fragment is keyed by everything it displays (`display_key` of each item, the
    "new" / "changed" flags, the language), so a fragment is reused only when it would render the same
    text; the oldest are dropped beyond `size`.
    """

    def __init__(self, size: int = 4096):
        self.size = size
        self._rendered: OrderedDict[tuple, str] = OrderedDict()

    def render(self, key: tuple, template: str, context: dict) -> str:
        key = (translation.get_language(), template, *key)
        fragment = self._rendered.get(key)
        if fragment is None:
            fragment = self._rendered[key] = render_to_string(template, context)
            if len(self._rendered) > self.size:
                self._rendered.popitem(last=False)
        return fragment

    def clear(self) -> None:
        self._rendered.clear()


fragments = Fragments()


def _entries_key(days) -> tuple:
    return tuple(
        (entry.session.display_key, entry.is_new, entry.is_changed) for day in days for entry in day.entries
    )


def _sections(digest: Digest, kind: str) -> list[str]:
    return [
        fragments.render(
            (
                section.bassin.pk,
                section.bassin.title,
                section.more,
                section.agenda_url,
                _entries_key(section.days),
            ),
            f"digest/includes/email_section.{kind}",
            {"section": section},
        )
        for section in digest.bassins
    ]


def _pro_section(digest: Digest, kind: str) -> str:
    if not digest.pro_days:
        return ""
    key = (digest.pro_more, _entries_key(digest.pro_days))
    return fragments.render(key, f"digest/includes/email_pro.{kind}", {"digest": digest})


def _news_section(digest: Digest, kind: str) -> str:
    """« Depuis votre dernière lettre »."""
    if not (digest.new_ateliers or digest.changes or digest.new_structures or digest.new_members):
        return ""
    key = (
        tuple(item.display_key for item in digest.new_ateliers),
        tuple((entry.session.display_key, entry.is_changed) for entry in digest.changes),
        tuple(item.display_key for item in digest.new_structures),
        tuple(item.display_key for item in digest.new_members),
    )
    return fragments.render(key, f"digest/includes/email_news.{kind}", {"digest": digest})


def _fragments(digest: Digest, kind: str) -> dict:
    return {
        "sections": _sections(digest, kind),
        "news_section": _news_section(digest, kind),
        "pro_section": _pro_section(digest, kind),
    }


def render_parts(
    digest: Digest, *, preview: bool = False, receiving: bool = True, urls: dict | None = None
) -> tuple[str, str]:
    """(plain text, HTML) of a letter; `preview` adds a note saying whether it would be sent."""
    context = {
        "digest": digest,
        "links": urls or links(digest),
        "subject": subject(digest),
        "preview": preview,
        "receiving": receiving,
    }
    with translation.override("fr"):
        return (
            render_to_string("digest/email.txt", {**context, **_fragments(digest, "txt")}),
            render_to_string("digest/email.html", {**context, **_fragments(digest, "html")}),
        )


def list_headers(digest: Digest, *, urls: dict | None = None) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: providers show an unsubscribe button that POSTs to our https link."""
    host = urlsplit(absolute_url()).hostname or "maillage.localhost"
    targets = [f"<{(urls or links(digest))['unsubscribe']}>"]
    mailto = settings.DIGEST.get("UNSUBSCRIBE_MAILTO")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=desabonnement-{digest.reader.subscription_id}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Lettre hebdomadaire de Maillage <lettre.{host}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(idstring=f"lettre-{digest.week}", domain=host),
    }


def build_message(digest: Digest, *, connection=None) -> EmailMultiAlternatives:
    """The e-mail of a saved subscription's letter (one recipient; plain text first, then HTML)."""
    urls = links(digest)
    text, html = render_parts(digest, urls=urls)
    message = EmailMultiAlternatives(
        subject=subject(digest),
        body=text,
        to=[digest.reader.email],
        headers=list_headers(digest, urls=urls),
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
