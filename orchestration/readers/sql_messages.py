"""Reasons found by DuckDB over whole columns, as stored messages: SQL giving the text
`dashboards.i18n.messages.as_text` would store (a catalogue key and its arguments as
JSON), so that a reason found in SQL is worded like one found in Python."""

from dashboards.i18n.messages import as_text, message


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_message(key: str, /, **values: str) -> str:
    """SQL for message `key` whose arguments are the same on every row."""
    return sql_literal(as_text(message(key, **values)))


def sql_row_message(key: str, messages: dict[str, str] | None = None, /, **texts: str) -> str:
    """SQL for message `key` whose arguments come from the row: `texts` are SQL
    expressions of text arguments (shown as they are, NULL as ""), `messages` SQL
    expressions of arguments that are stored messages themselves (sql_message's or
    sql_row_message's), worded in the same language."""
    pairs = [f"{sql_literal(name)}, coalesce(cast({expression} as varchar), '')" for name, expression in texts.items()]
    pairs += [f"{sql_literal(name)}, json({expression})" for name, expression in (messages or {}).items()]
    return f"cast(json_object('key', {sql_literal(key)}, 'args', json_object({', '.join(pairs)})) as varchar)"
