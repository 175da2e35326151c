"""The read side: a query string in; a page, a count, or every row it matches out.

args (the query string and its filters), search (how a term matches), counts, keyset (reading a page), seek
(which page to read) and page (what a template shows) each do one job; Listing puts them together for one model,
as a resource declares it (resources.py).
"""

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from math import ceil

from flask import current_app, request
from sqlalchemy import CTE, ColumnElement, Select, Subquery, case, false, func, not_, null, select

from database.backend import backend, likely
from listing import search
from listing.args import Filter, ListArgs, RowIdField, arguments_form, read
from listing.counts import (among_in, capped_count, copied, count_cap, count_meeting, count_of, counted,
                            counted_rows, id_list, keyed, listed_ids, listed_parameter, page_ids, unnarrowed_total,
                            walking)
from listing.keyset import DEFERRED_FROM, NEAR, Cursor, Order
from listing.page import Chip, Page
from listing.related import ruled_out
from listing.rows import Shown, executed, shown_by
from listing.seek import fetch
from models import db

__all__ = ["Filter", "ListArgs", "Listing", "Page", "RowIdField", "counted_rows"]


@dataclass(frozen=True, eq=False)  # itself, as a key of the statements kept for it
class Listing:
    """What a list may do: its sorts, filters, search, and what its rows show."""

    model: type  # a Record: has id and search_text
    sorts: dict[str, ColumnElement]  # sortable columns by their query-string name
    default_sort: str
    filters: tuple[Filter, ...] = ()
    computed: tuple[str, ...] = ()  # computed columns its rows show besides their own (Student.advisor_name's key)
    where: tuple = ()  # conditions every row meets
    also: tuple = ()  # related fields its search looks in (related.Also)
    columns: tuple[str, ...] = ()  # the names of the columns it may show (?columns=)

    @property
    def arguments(self) -> type[ListArgs]:
        """The query string's form: ListArgs, a field per filter, and the columns shown; the same for a list of
        some of the rows (within())."""
        return arguments_form(self.model, self.filters, self.columns, self.default_sort)

    def args(self, formdata) -> ListArgs:
        """The query string, read: request.args, or a MultiDict."""
        return read(self.arguments, tuple(formdata.items(multi=True)))

    def within(self, *where, computed: tuple[str, ...] = ()) -> "Listing":
        """The same list of only the rows that also meet `where` (a course's students), showing `computed`."""
        return replace(self, where=self.where + where, computed=computed)

    @property
    def shown(self) -> Shown:
        """What each row holds (listing.rows)."""
        return shown_by(self.model, self.computed)

    @cached_property
    def related(self) -> dict[str, Filter]:
        return {f.name: f for f in self.filters if f.related}

    def narrowing(self, args: ListArgs) -> tuple[list, search.Search]:
        """The conditions of `where` and the filters in use, and the search (without the related rows they rule
        out)."""
        term = search.parse(self.model, args.value("q") or "", self.also)
        return list(self.filtering(args)), ruled_out(term, {name: args.value(name) for name in self.related})

    @lru_cache(maxsize=256)
    def filtering(self, args: ListArgs) -> tuple:
        """The conditions of `where` and the filters in use: made once per query string, so that what is made of them
        (a search's conditions beside them, search.matches) is kept too."""
        return (*self.where, *(f.condition(args.value(f.name)) for f in self.filters if args.value(f.name) is not None))

    def order(self, args: ListArgs) -> tuple[str, Order]:
        """The sort the query string asks for, or the default one."""
        sort = args.value("sort") or ""
        if sort.lstrip("-") not in self.sorts:
            sort = self.default_sort
        return sort, Order(self.model, self.sorts[sort.lstrip("-")], ascending=not sort.startswith("-"))

    def total(self, args: ListArgs, cap: int | None = None) -> ColumnElement:
        """How many rows `args` leave, counted no further than the cap (`cap`, or the lists' own): a column for a
        caller's own statement, made once per query string and search (total_of), as count_statement() is."""
        return self.total_of(args, cap or count_cap(), self.narrowing(args)[1], backend())

    @lru_cache(maxsize=256)
    def total_of(self, args: ListArgs, cap: int, term: search.Search, _backend) -> ColumnElement:
        return self.counting(args, cap)[0]

    def counting(self, args: ListArgs, cap: int | None = None,
                 order: Order | None = None) -> tuple[ColumnElement, CTE | None]:
        """total(), and the matches of a search it counts them from (None: it counts no search's), so that a page of
        few of them can list those instead of searching again; given `order`, with each one's sort key where the
        count reads the rows (keyed())."""
        conditions, term = self.narrowing(args)
        key = [order.column.label("key")] if order is not None and keyed() else []
        if not conditions and (ids := search.listed(self.model, term, *key)) is not None:  # the indexes alone count
            matches = counted(ids, cap)
            if term.related:  # either side past the cap (the kept counts asked first): the union need not be read
                cap, leads = cap or count_cap(), search.related_at_least(term)
                past = [(at_least > cap, cap + 1) for at_least, _ in leads]
                own = (search.index_matches(self.model, term) if search.own_index_lists(term)
                       else select(self.model.id).where(search.own_text(self.model, term, "index")))
                if keyed():  # each own match's row is read (PostgreSQL checks each): those the related rows do not
                    # lead to are counted up to what takes the union past the cap ("son": 1,432 rows read, not 10,001)
                    past += [(capped_count(own.where(not_(func.coalesce(lead, false()))), cap - at_least)
                              > cap - at_least, cap + 1) for at_least, lead in leads]
                return case(*past, (capped_count(own, cap) > cap, cap + 1), else_=count_of(matches)), matches
            return count_of(matches), matches
        if term:
            among = among_in(conditions)
            if among is not None and among.kept is not None and backend().limit_by_subquery:
                matches = search.counted_either_way(self.model, term, conditions, among, cap or count_cap(), key)
            else:  # among a few rows (a course's students), each is checked
                how = "like" if among is not None else "index"
                matches = counted(select(self.model.id, *key).where(
                    *conditions, search.matches(self.model, term, how, tuple(conditions))), cap)
            return count_of(matches), matches
        return (count_meeting(self.model, conditions, cap) if conditions else counted_rows(self.model)), None

    def matching_ids(self, args: ListArgs) -> Select:
        """The ids of every row `args` leave, in the list's order: what acting on, exporting or printing "all
        matching" reads."""
        return self.matching(args, self.model.id)

    def matching(self, args: ListArgs, *columns, many: bool = False) -> Select:
        """`columns` of every row `args` leave, in the list's order; `many` when more than the count cap do, so that
        the first of them are found along the sort order (as page() does)."""
        conditions, term = self.narrowing(args)
        if many:
            conditions = [walking(condition) for condition in conditions]
        if term:  # many: the first of them found along the sort order, checked as a list page past the cap checks
            # them ("mar", 62,315 of 1,000,000: the first 5 by name in 0.1 ms, not 80 ms reading and sorting them all)
            conditions.append(search.matches(self.model, term, "like" if many else "index", tuple(conditions)))
        return self.order(args)[1].sorted(select(*columns).where(*conditions))

    def first_rows(self, args: ListArgs, limit: int) -> list:
        """The first `limit` rows `args` leave, in the list's order, with what the list shows of them: a printout."""
        return self.shown.read(self.matching(args, *self.shown.select.selected_columns).limit(limit))

    def labels(self, args: ListArgs) -> list[ColumnElement]:
        """The names of the related rows the filters in use choose (an advisor's), for their chips."""
        return [select(f.related[1]).where(f.related[0].id == args.value(f.name)).scalar_subquery()
                for f in self.related.values() if isinstance(args.value(f.name), int)]

    @lru_cache(maxsize=256)
    def count_statement(self, args: ListArgs, cap: int, few: int, order: Order, term: search.Search,
                        _backend) -> tuple[Select, bool]:
        """The statement of a page's total, with the related filters' labels and what it lists of a search's
        matches, and whether those are the page's ids: made once per list, query string and search, then kept
        (building it was 14% of "son"'s Listing.page under py-spy, before SQLAlchemy cache-keyed it anew)."""
        conditions, _ = self.narrowing(args)
        if not (conditions or term):
            return unnarrowed_total(self.model), False
        per_page, offset = args.value("per_page"), args.offset
        total, matches = self.counting(args, cap, order)
        among = among_in(conditions)  # how many rows among_few's condition picks, where triggers keep it (crowded)
        total = (total, among.kept if among is not None and among.kept is not None else null())
        if matches is None:
            return select(*total, null(), *self.labels(args)), False
        # the total is written again in `listed`: counted once, in a subquery kept whole (OFFSET); PostgreSQL ran
        # each copy of its subqueries ("son")
        total, kept = select(total[0].label("total")).offset(0).subquery("counted_total").c.total, total[1]
        if "key" in matches.c:  # the count read each match's sort key: it lists the page
            listed = case((total <= cap, page_ids(matches, order, offset, per_page + 1)))
        elif backend().trigram_table:  # SQLite counts from its trigram index alone: few are looked up for their key
            keys = select(self.model.id, order.column.label("key")).where(self.model.id.in_(select(matches.c[0])))
            listed = case((total <= few, page_ids(keys.subquery(), order, offset, per_page + 1)))
        else:
            return select(total, kept, case((total <= few, id_list(matches))), *self.labels(args)), False
        return select(total, kept, listed, *self.labels(args)), True

    def count_row(self, args: ListArgs) -> Subquery:
        """What page() counts, as a row a caller's own statement joins (a course, with its students' count): hand
        what it read to page(counted=…). The page then reads the ids the count listed, as a list's own does."""
        return self.count_statement(args, *self.counted_by(args), backend())[0].subquery("count_row")

    def counted_by(self, args: ListArgs, cap: int | None = None) -> tuple:
        """The cap, how few matches are listed as they are counted, the order and the search: what a count is made
        of."""
        cap = cap or count_cap()
        return cap, min(current_app.config["LIST_INDEX_THEN_SORT"], cap), self.order(args)[1], self.narrowing(args)[1]

    def page(self, args: ListArgs, total: int | None = None, cap: int | None = None,
             among_rows: int | None = None, counted: tuple | None = None) -> Page:
        """Two statements: the total with the related filters' labels, then the rows. A caller that loads a row
        anyway (a course, for its students) can count in that statement with total(args) and pass the result here;
        the labels of related filters in use then take a statement of their own. Counting stops at `cap`, or at the
        lists' own cap. `among_rows`: how many rows its among_few condition picks, where the caller knows (a course's
        students): more than the cap are walked, fewer each checked by a search. `counted`: what the caller's
        statement read of count_row()."""
        conditions, term = self.narrowing(args)
        chosen = {name: args.value(name) for name in self.related if isinstance(args.value(name), int)}
        # A search counted to match few rows lists their ids as it counts them (found); a cap below that, only some.
        # Where the count reads each match's row, it lists the ids of the page asked for (on_page).
        cap, few, order, _ = self.counted_by(args, cap)
        found, on_page, sort, per_page = None, None, self.order(args)[0], args.value("per_page")
        if total is None:
            statement, lists_page = self.count_statement(args, cap, few, order, term, backend())
            total, kept, listed, *shown = counted if counted is not None else executed(statement).one()
            on_page, found = (listed, None) if lists_page else (None, listed)
            crowded = (among_rows if among_rows is not None else kept or 0) > cap  # the students list of a course
        else:
            labels = self.labels(args)
            shown = db.session.execute(select(*labels)).one() if labels else []
            crowded = among_rows is not None and among_rows > cap
        exact = not (conditions or term) or total <= cap
        near = "cursor" in request.args or args.offset < DEFERRED_FROM
        in_order = copied(conditions, order.column) and not term  # a range of another table's index (a course's)
        if (not exact or crowded) and not in_order:  # more than the cap: most rows are on the way
            conditions = [walking(condition, near) for condition in conditions]
        parameters = None  # of the ids the count listed, that the page's condition reads
        if found is not None and total <= few:  # the matches meet every condition
            conditions, parameters = [listed_ids(self.model, backend())], listed_parameter(found)
        elif term and crowded and total <= few and backend().trigram_table:  # few of many (a surname in a grade's
            # course): the ids the indexes list, each looked up among the many, then only those rows read and sorted
            narrowed = tuple(self.narrowing(args)[0])
            crowd = search.among_crowd(self.model, term, narrowed, among_in(narrowed), (), backend())
            conditions = [self.model.id.in_(select(crowd.cte("crowd").c[0]))]
        elif term:
            # Filtered too, the sort order's index is walked from a known place or near the start: SQLite would
            # rather drive from a filter's index and sort every row it finds ("mar" in grade 3: 45 ms, walked 1.8 ms)
            index_alone = search.walk_reads_index_alone(self.model, term, order.column) and (near or not conditions)
            among_few_rows = among_rows is not None and not crowded  # each checked, as their count did
            how = "like" if among_few_rows and exact else search.how_to_fetch(total, exact, index_alone)
            if how == "like" and index_alone and exact and among_rows is None:
                conditions = [likely(condition) for condition in conditions]
            conditions.append(search.matches(self.model, term, how, tuple(conditions)))
        pages = max(1, ceil(total / per_page)) if exact else None
        number = min(args.value("page"), pages or 10**9)
        cursor = Cursor.parse(request.args.get("cursor"))
        cursor = cursor if cursor and order.accepts(cursor) and abs(number - cursor.page) <= NEAR else None
        if not exact and cursor is None:  # skipping rows past the count cap would scan: the pages it covers
            number = min(number, ceil(cap / per_page))
        # the ids listed are those of the page shown (SQLite lists "[]" for no rows: those need no statement)
        if exact and total and on_page and number == args.value("page"):
            items, has_next = fetch(order, [listed_ids(self.model, backend())], self.shown, 1, per_page, None, None,
                                    listed_parameter(on_page))
        else:
            items, has_next = fetch(order, conditions, self.shown, number, per_page, total if exact else None, cursor,
                                    parameters)
        chips = [Chip(name, args[name].label.text, label, chosen[name]) for name, label in zip(chosen, shown)]
        edges = (order.cursor(number, items[0]).token(), order.cursor(number, items[-1]).token()) if items else (None, None)
        return Page(items, total if exact else cap, number, per_page, pages, sort, args, chips,
                    exact=exact, has_next=has_next, edges=edges)
