"""What goes in a letter: the week's shared data, read once per chunk, then each reader's letter in Python.

Why this shape: 10,000 letters a Monday must not mean 10,000 agenda queries. `Edition.load` runs a fixed
number of queries (the next sessions of every bassin, recent session changes, new ateliers, structures and
members); `load_readers` runs a fixed number for a whole chunk of subscriptions; `Edition.digest_for` then
filters in memory. The number of queries per chunk therefore never depends on how many people subscribe
(tests/digest/test_content.py holds it).

Rules kept here, and nowhere else:
- public ateliers only (visibility public, kind atelier, live structure); professionals' events (another
  kind, or visibility pro) go in their own section, only to members of the network who want them;
- "new since your last letter" compares with the time of the reader's last letter actually sent, at most
  `MAX_LOOKBACK_DAYS` back (`FIRST_LOOKBACK_DAYS` for a first letter);
- new members respect their profile: hidden never; "bassin" (or no profile) only to members of the same
  bassin; "network" to any member; never to someone who is not a member.
"""

from .edition import Edition
from .items import BassinSection, Day, Digest, Entry, NewAtelier, NewMember, NewStructure, Reader, SessionView
from .readers import build_digests, default_since, load_readers

__all__ = [
    "BassinSection",
    "Day",
    "Digest",
    "Edition",
    "Entry",
    "NewAtelier",
    "NewMember",
    "NewStructure",
    "Reader",
    "SessionView",
    "build_digests",
    "default_since",
    "load_readers",
]
