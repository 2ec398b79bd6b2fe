"""Import robustness over a corpus of real-world iCal files: does every file give what it can, never a crash?

    .venv/bin/python bench/ical_corpus.py ../shared/ical-corpus [--quiet]

Why: structures publish calendars from every tool there is (Google, Outlook, Nextcloud, Thunderbird…), often
broken in small ways; one bad line must not cost a structure its agenda. Each .ics under DIR (recursively) is
imported with `calendars.sync.import_calendar` into a throwaway structure, one file at a time and each with
a fresh feed, in a throwaway SQLite database deleted at the end. Printed per file: events read, ateliers
imported, warnings, and the French reason when nothing could be imported; then a summary. A crash (any
exception other than "not a calendar") is a bug: the target is 0. The corpus MANIFEST's "fails" column names
the files icalendar rejects whole; the summary says how many of those still give ateliers, and checks that
every one of them holding a dated event does (an atelier needs a start: the research note's "14 files give
events" counts one whose events have none).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time as clock
import traceback
from pathlib import Path


def plural(count: int, one: str, many: str) -> str:
    """French: 0 and 1 take the singular."""
    return one if count <= 1 else many


ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> Path:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    tmp_dir = Path(tempfile.mkdtemp(prefix="maillage-corpus-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / 'corpus.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp_dir


def holds_dated_event(data: bytes) -> bool:
    """Whether a VEVENT block of the raw file has a DTSTART line: a cheap test, independent of our parser."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n ", "").replace("\n\t", "")  # unfolded
    flags = re.MULTILINE | re.DOTALL | re.IGNORECASE
    blocks = re.findall(r"^BEGIN:VEVENT\s*$(.*?)(?=^BEGIN:|^END:VEVENT)", text, flags)
    return any(re.search(r"^DTSTART[;:]", block, re.MULTILINE | re.IGNORECASE) for block in blocks)


def rejected_by_icalendar(corpus: Path) -> set[str]:
    """Files whose MANIFEST row says icalendar's `Calendar.from_ical` raises on them."""
    manifest = corpus / "MANIFEST.md"
    if not manifest.exists():
        return set()
    names = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 4 and cells[1].endswith(".ics") and re.search(r"\bicalendar\b", cells[3]):
            names.add(cells[1])
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Import de tout un corpus de fichiers iCal.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--quiet", action="store_true", help="moins de détails")
    args = parser.parse_args(argv)
    corpus = args.directory.resolve()
    files = sorted(corpus.rglob("*.ics"))
    if not files:
        sys.exit(f"Aucun fichier .ics sous {corpus}")
    tmp_dir = setup_django()
    try:
        return run(corpus, files, quiet=args.quiet)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def run(corpus: Path, files: list[Path], *, quiet: bool) -> int:
    from calendars.models import Feed
    from calendars.parse import NotICalendar
    from calendars.sync import import_calendar
    from events.models import Atelier
    from home.models import HomePage
    from network import domain

    home = HomePage.objects.get()
    bassin = domain.create_bassin(home=home, title="Bassin (corpus)", slug="corpus", main_commune="Bourges")
    structure = domain.create_structure(
        bassin=bassin,
        title="Structure (corpus)",
        slug="corpus-structure",
        commune="Bourges",
        latitude=47.081,
        longitude=2.3988,
    )
    rejected = rejected_by_icalendar(corpus)
    with_events, skipped, crashes, rejected_ok, total_ateliers = [], {}, [], [], 0
    started = clock.perf_counter()
    for path in files:
        name = str(path.relative_to(corpus))
        feed = Feed.objects.create(structure=structure, url=f"https://corpus.invalid/{name}", name=name)
        began = clock.perf_counter()
        try:
            report = import_calendar(structure=structure, data=path.read_bytes(), feed=feed)
        except NotICalendar as error:
            skipped[name] = str(error)
            print(f"— {name} : rien d'importé — {error}")
            continue
        except Exception:  # noqa: BLE001 - a crash is what this bench looks for
            crashes.append(name)
            print(f"!! {name} : PLANTAGE\n{traceback.format_exc()}")
            continue
        elapsed = (clock.perf_counter() - began) * 1000
        imported = Atelier.objects.filter(feed=feed).count()
        total_ateliers += imported
        if imported:
            with_events.append(name)
            rejected_ok += [name] if name in rejected else []
        else:
            reason = report.warnings[0]["message"] if report.warnings else "aucun événement dans le fichier"
            skipped[name] = reason
        if imported and quiet:
            continue
        read = report.event_count
        line = (
            f"{'✓' if imported else '—'} {name} : {read} {plural(read, 'événement lu', 'événements lus')}, "
            f"{imported} {plural(imported, 'atelier', 'ateliers')}, {len(report.warnings)} "
            f"{plural(len(report.warnings), 'avertissement', 'avertissements')}, {elapsed:.0f} ms"
        )
        if not imported:
            line += f" — {skipped[name]}"
        print(line)
        if not quiet:
            for warning in report.warnings[:3]:
                print(f"      [{warning['code']}] {warning['message'][:140]}")
    total = clock.perf_counter() - started
    reasons: dict[str, int] = {}
    for reason in skipped.values():
        reasons[reason[:110]] = reasons.get(reason[:110], 0) + 1
    print("\n==== Bilan ====")
    print(
        f"fichiers : {len(files)} ; avec des ateliers : {len(with_events)} ; sans : {len(skipped)} ; "
        f"plantages : {len(crashes)} (objectif 0) ; ateliers : {total_ateliers} ; durée : {total:.1f} s"
    )
    print("fichiers sans atelier, par raison :")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"  {count:4d} × {reason}")
    if rejected:
        print(
            f"fichiers rejetés en bloc par icalendar : {len(rejected)} ; dont avec des ateliers ici : "
            f"{len(rejected_ok)}"
        )
        # Judged apart from the parser: which of them hold an event with a start at all (a DTSTART line
        # inside a VEVENT block)? Every one of those must give ateliers; the others have nothing to give.
        dated = sorted(name for name in rejected if holds_dated_event((corpus / name).read_bytes()))
        missed = [name for name in dated if name not in rejected_ok]
        undated = sorted(rejected - set(dated))
        print(
            f"  dont contenant au moins un événement daté : {len(dated)} ; importés : "
            f"{len(dated) - len(missed)} {'OK' if not missed else 'NON'}"
            + (f" ; manqués : {', '.join(missed)}" if missed else "")
        )
        with_vevent = [name for name in undated if b"BEGIN:VEVENT" in (corpus / name).read_bytes().upper()]
        if with_vevent:
            print(f"  événements sans date de début (rien à importer) : {', '.join(with_vevent)}")
    for name in crashes:
        print(f"  PLANTAGE : {name}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
