"""Pages of a list (`?page=N&page_size=M`): a peer reads 20,000 structures in a few dozen requests."""

from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class ApiPagination(PageNumberPagination):
    """DRF's page-number pages (`count`, `next`, `previous`, `results`), with a size the client may choose.

    A `page_size` above the maximum is cut to it; one that is not a positive number falls back to the
    default (DRF's behaviour): neither is worth a 400 for a reader that only wants its data.
    """

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
