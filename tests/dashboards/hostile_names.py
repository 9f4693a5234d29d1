"""A copy of a published warehouse whose clients are all named to attack the page that
shows them: one as an HTML script, the other as a markdown link to javascript:. Every
column holding a client's name gets it, so every page that lists clients lists them; the
copy is made once per module that needs it (no refresh)."""

import html
import re
import shutil
from pathlib import Path

import duckdb
from markdown_it import MarkdownIt

SCRIPT_NAME = "<script>alert(1)</script>"
LINK_NAME = "**[x](javascript:alert(1))**"
NAMES = (SCRIPT_NAME, LINK_NAME)
_NAME_COLUMNS = ("client_name", "legal_name", "client_legal_name_at_issue")
_TAG = re.compile(r"<[^>]*>")


def write_hostile_copy(published: Path, target: Path) -> dict[str, str]:
    """`published` copied to `target` with the clients, in client_id order, named
    SCRIPT_NAME, LINK_NAME, SCRIPT_NAME…; returns each client_id's new name."""
    shutil.copyfile(published, target)
    with duckdb.connect(str(target)) as connection:
        connection.execute(
            """
            create temporary table hostile as
            select client_id,
                   case when row_number() over (order by client_id) % 2 = 1 then ? else ? end as name
            from (select distinct client_id from marts.dim_clients)
            """,
            list(NAMES),
        )
        columns = connection.execute(
            """
            select c.table_schema, c.table_name, c.column_name
            from information_schema.columns c
            join information_schema.tables t using (table_catalog, table_schema, table_name)
            where t.table_type = 'BASE TABLE' and c.column_name in ?
              and exists (select 1 from information_schema.columns k
                          where k.table_schema = c.table_schema and k.table_name = c.table_name
                            and k.column_name = 'client_id')
            """,
            [list(_NAME_COLUMNS)],
        ).fetchall()
        for schema, table, column in columns:
            connection.execute(
                f'update "{schema}"."{table}" as t set "{column}" = h.name '
                "from hostile h where h.client_id = t.client_id"
            )
        return dict(connection.execute("select client_id, name from hostile").fetchall())


def rendered(markdown: str) -> tuple[str, str]:
    """What a CommonMark renderer (raw HTML allowed, the strictest case) makes of a
    markdown body: its HTML and the text a reader sees."""
    page = MarkdownIt("commonmark").render(markdown)
    return page, html.unescape(_TAG.sub("", page))


def injected(markdown: str) -> list[str]:
    """What in `markdown` would not read as the text of a hostile name: an HTML tag or
    javascript: link made from it, or a name whose punctuation became formatting."""
    page, text = rendered(markdown)
    problems = []
    if "<script" in page:
        problems.append("a <script> element")
    if re.search(r"""href=["']?\s*javascript:""", page, re.IGNORECASE):
        problems.append("a javascript: link")
    literal = sum(text.count(name) for name in NAMES)
    if text.count("alert(1)") != literal:
        problems.append(f"a name that does not read as written: {text!r}")
    return problems
