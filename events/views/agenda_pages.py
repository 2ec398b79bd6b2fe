"""Pages of the agenda's list view, whatever the number of sessions.

Why: the regional agenda of a national instance holds millions of upcoming sessions. Django's `Paginator`
counts them all (`COUNT(*)`) and sorts them all by (start, atelier title) to keep thirty: seconds on
PostgreSQL (bench/national_reads.py). This paginator counts at most a few pages beyond the one asked for
(the page then says « plus de N séances ») and reads its page with `OccurrenceQuerySet.first_for_listing`,
which bounds the sort by the page's last start, read along the (local_date, start) index.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

# Pages counted beyond the one asked for: enough for the page links around it.
PAGES_AHEAD = 4


class SessionPaginator(Paginator):
    """A `Paginator` over an `OccurrenceQuerySet` whose count stops at `(page + PAGES_AHEAD)` pages.

    `is_capped` says the count stopped there: there are more sessions than `count`.
    """

    def __init__(self, sessions, per_page: int, *, page_number):
        super().__init__(sessions, per_page)
        try:
            asked = max(int(page_number), 1)
        except (TypeError, ValueError):
            asked = 1
        # An absurd page number (« 99999999999999999999 ») counts no further than a thousand pages.
        self.cap = min(asked + PAGES_AHEAD, 1000) * per_page

    @cached_property
    def bounded_count(self) -> int:
        # Unordered and sliced: PostgreSQL stops after `cap + 1` rows instead of counting them all.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.bounded_count, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.bounded_count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        return Page(self.object_list.first_for_listing(self.per_page, offset=offset), number, self)
