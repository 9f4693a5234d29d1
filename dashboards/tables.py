"""Tables on pages: locale-formatted cells over the raw values, client names that link to
the client's file, and CSV and Excel downloads below (`dashboards.exports`)."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from numbers import Integral, Number

import pandas as pd
import streamlit as st

from dashboards import exports, formatting, selection, url_state
from dashboards.i18n import translate
from dashboards.queries import base


def show_table(
    table: pd.DataFrame,
    headers: Mapping[str, str],
    *,
    money_columns: Iterable[str] = (),
    percent_columns: Iterable[str] = (),
    points_columns: Iterable[str] = (),
    currency_code: str | None = None,
    row_money_columns: Iterable[str] = (),
    currency_column: str | None = None,
    language: str,
    file_name: str,
    client_link: tuple[str, str] | None = None,
    on_select: str = "ignore",
    key: str | None = None,
    all_rows: Callable[[], pd.DataFrame] | None = None,
):
    """Show the columns of `table` named in `headers`, in that order and under their translated
    headers (`headers` maps the query's column to its header), and offer them as CSV and
    Excel; returns what st.dataframe returns (the selection when `on_select="rerun"`). The
    column options below name the query's columns.

    The grid keeps the raw numbers, so columns sort as numbers, and shows them formatted for
    the language: dates as dd/mm/yyyy; shares (fractions) in `percent_columns` and percentages the marts hold as
    0-100 in `points_columns` both as '41,2 %'; `money_columns` in `currency_code`, and
    `row_money_columns` in each row's own currency, read from `currency_column`. `client_link = (name_column,
    id_column)` makes every name a link to that client's file (`url_state.client_url`);
    the CSV keeps the names. When `table` is one page of a long list (`page_number`),
    `all_rows` reads the whole list for the downloads, when one is clicked.
    """
    money_columns, percent_columns = _headed(headers, money_columns), _headed(headers, percent_columns)
    points_columns, row_money_columns = _headed(headers, points_columns), list(_headed(headers, row_money_columns))
    currency_column = None if currency_column is None else headers[currency_column]
    client_link = None if client_link is None else _headed(headers, client_link)
    table = table[list(headers)].rename(columns=headers)
    display = table.copy()
    formats: dict[str, Callable[[object], str]] = {
        column: _percent_formatter(language) for column in percent_columns
    }
    formats |= {column: _points_formatter(language) for column in points_columns}
    formats |= {column: _date_formatter(language) for column in _date_columns(table)}
    column_config = {}
    if client_link is not None:
        name_column, id_column = client_link
        chosen = selection.current()
        urls = [url_state.client_url(client_id, chosen) for client_id in table[id_column]]
        names = dict(zip(urls, table[name_column]))
        display[name_column] = urls
        formats[name_column] = lambda url: names.get(url, "")
        column_config[name_column] = st.column_config.LinkColumn(name_column)
    formats |= {column: _money_formatter(currency_code, language) for column in money_columns}
    number_columns = _number_columns(table)
    formats |= {
        column: _count_formatter(language) for column in number_columns
        if column not in formats and _is_whole(table[column])
    }
    # Figures line up on the right, as a finance team reads them (the cells are formatted
    # text over the numbers, so the grid is told rather than left to guess).
    figures = {*money_columns, *percent_columns, *points_columns, *row_money_columns}
    for column in [*figures, *number_columns]:
        column_config.setdefault(column, st.column_config.Column(alignment="right"))
    # A figure that does not apply reads "—". The grid draws a missing number as a grey
    # "None" whatever the format says, so a figure column with a gap is shown as its
    # formatted text (it then sorts as text; such columns are few and short).
    for column in [*figures, *number_columns]:
        if column in formats and table[column].isna().any():
            show = formats.pop(column)
            display[column] = [NOT_APPLICABLE if pd.isna(value) else show(value) for value in table[column]]
    styled_row_money = [column for column in row_money_columns if not table[column].isna().any()]
    for column in set(row_money_columns) - set(styled_row_money):
        display[column] = [
            NOT_APPLICABLE if pd.isna(value) else _row_money(value, code, language)
            for value, code in zip(table[column], table[currency_column])
        ]
    # Each format() resets the cells of its subset (every column when none is given): by
    # column first, then the per-row ones.
    styler = display.style.format(formats, na_rep="")
    for code in table[currency_column].dropna().unique() if styled_row_money else ():
        rows = list(table.index[table[currency_column] == code])
        styler = styler.format(
            _money_formatter(code, language),
            subset=pd.IndexSlice[rows, styled_row_money],
            na_rep="",
        )
    event = st.dataframe(
        styler,
        hide_index=True,
        column_config=column_config,
        on_select=on_select,
        selection_mode="single-row",
        key=key,
    )
    exports.download_buttons(
        exports.TableExport(
            table, money_columns, percent_columns, currency_code, language,
            selection.current().as_of, exports.file_stem(file_name),
            points_columns=points_columns, row_money_columns=tuple(row_money_columns),
            currency_column=currency_column,
            all_rows=None if all_rows is None else lambda: all_rows()[list(headers)].rename(columns=headers),
        ),
        key=key,
    )
    return event


def page_number(total_rows: int, key: str, language: str) -> base.Page:
    """The page of a list of `total_rows` rows the user reads, base.PAGE_ROWS at a time:
    past one page a number input chooses it, with which rows show and of how many; the
    first page without a widget when the list fits one. Call before the list is read, and
    pass `all_rows` to show_table so the downloads keep every row."""
    size = base.PAGE_ROWS
    pages = max(1, -(-total_rows // size))
    if pages == 1:
        return base.Page(0, size)
    widget = f"{key}_page"
    # The filters may have shortened the list since the page was chosen.
    if st.session_state.get(widget, 1) > pages:
        st.session_state[widget] = pages
    number = st.number_input(
        translate(language, "table.page", pages=formatting.number(pages, language)),
        min_value=1, max_value=pages, value=1, step=1, key=widget,
    )
    first = (number - 1) * size
    st.caption(translate(
        language, "table.rows_shown",
        first=formatting.number(first + 1, language),
        last=formatting.number(min(total_rows, first + size), language),
        total=formatting.number(total_rows, language),
    ))
    return base.Page(number - 1, size)


NOT_APPLICABLE = "—"


def _headed(headers: Mapping[str, str], columns: Iterable[str]) -> tuple[str, ...]:
    return tuple(headers[column] for column in columns)


def _money_formatter(currency_code: str, language: str) -> Callable[[Decimal], str]:
    return lambda amount: formatting.money(amount, currency_code, language)


def _row_money(amount: Decimal, currency_code: object, language: str) -> str:
    """An amount in its row's currency; a row with no currency shows the bare number."""
    if pd.isna(currency_code):
        return formatting.number(amount, language)
    return formatting.money(amount, str(currency_code), language)


def _percent_formatter(language: str) -> Callable[[float], str]:
    return lambda share: formatting.percent(share, language)


def _count_formatter(language: str) -> Callable[[int], str]:
    return lambda count: formatting.number(count, language)


def _is_whole(column: pd.Series) -> bool:
    """Counts: every value an int (days with decimals, scores as Decimal keep their digits)."""
    return all(isinstance(value, Integral) for value in column.dropna())


def _number_columns(table: pd.DataFrame) -> list[str]:
    """The columns holding numbers (not flags): counts, days, scores, decimals."""
    return [
        column for column in table.columns
        if table[column].notna().any()
        and all(isinstance(value, Number) and not isinstance(value, bool)
                for value in table[column].dropna())
    ]


def _date_columns(table: pd.DataFrame) -> list[str]:
    """The columns holding dates (datetime.date, as the query layer returns DATE)."""
    return [
        column for column in table.columns
        if table[column].notna().any()
        and all(isinstance(value, date) for value in table[column].dropna())
    ]


def _date_formatter(language: str) -> Callable[[date], str]:
    return lambda day: formatting.short_date(day, language)


def _points_formatter(language: str) -> Callable[[Decimal], str]:
    return lambda value: formatting.percent_points(value, language)
