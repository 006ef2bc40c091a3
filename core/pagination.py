"""Pagination of the back-office queues over millions of rows (DESIGN: bounded cost per page).

An exact ``COUNT(*)`` of a filtered million-row table costs seconds, on every page view; past a few thousand rows
nobody reads the number or pages to the end, they refine the filters. :class:`CappedPaginator` counts at most
``cap`` rows (``SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)``: no ordering, no annotation) and pages through
those; ``capped`` says there are more, so the page can say "more than …, refine the filters".
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

QUEUE_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or QUEUE_COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than the pages reach."""
        return self._counted > self.cap
