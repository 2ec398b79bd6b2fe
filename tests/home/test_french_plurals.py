"""locale/fr: Maillage's plural messages follow the French rule (0 and 1 take the singular)."""

import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from home.management.commands.french_plurals import plural_entry

CATALOGUE = gettext.GNUTranslations((Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.mo").open("rb"))
PLURALS = sorted({key[0] for key in CATALOGUE._catalog if isinstance(key, tuple) and key[0]})


def test_zero_and_one_take_the_singular():
    with translation.override("fr"):
        texts = [translation.ngettext("%(counter)s atelier", "%(counter)s ateliers", n) for n in (0, 1, 2)]

    assert texts == ["%(counter)s atelier", "%(counter)s atelier", "%(counter)s ateliers"]


def test_a_template_count_of_zero_is_singular():
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} atelier{% plural %}"
        "{{ counter }} ateliers{% endblocktranslate %}"
    )

    with translation.override("fr"):
        assert [template.render(Context({"n": n})) for n in (0, 1, 3)] == [
            "0 atelier",
            "1 atelier",
            "3 ateliers",
        ]


@pytest.mark.parametrize("msgid", PLURALS)
def test_every_plural_message_is_its_own_translation(msgid):
    singular, plural = CATALOGUE._catalog[(msgid, 0)], CATALOGUE._catalog[(msgid, 1)]

    with translation.override("fr"):
        assert (singular, translation.ngettext(msgid, plural, 0)) == (msgid, msgid)
        assert translation.ngettext(msgid, plural, 2) == plural


@pytest.mark.skipif(not shutil.which("xgettext") or not shutil.which("msgfmt"), reason="GNU gettext absent")
def test_the_catalogue_lists_every_plural_message_of_the_code():
    """A new `ngettext` or `{% blocktranslate count %}` must be followed by `make messages`."""
    call_command("french_plurals", check=True)


def test_plural_entry_copies_continued_lines_and_context():
    block = (
        '#, python-format\nmsgctxt "agenda"\nmsgid ""\n"%(n)d séance "\n"restante"\n'
        'msgid_plural "%(n)d séances restantes"\nmsgstr[0] ""\nmsgstr[1] ""'
    )

    assert plural_entry(block).split("\n") == [
        "#, python-format",
        'msgctxt "agenda"',
        'msgid ""',
        '"%(n)d séance "',
        '"restante"',
        'msgid_plural "%(n)d séances restantes"',
        'msgstr[0] ""',
        '"%(n)d séance "',
        '"restante"',
        'msgstr[1] "%(n)d séances restantes"',
    ]
