"""Finds money columns of the marts whose value is derived through a DOUBLE.

DuckDB divides decimals (`/`, and `//` too) into a DOUBLE, averages them into a DOUBLE,
and a cast to DOUBLE/FLOAT does the same: money that passes through one is no
longer exact to the cent. This module walks, in the compiled SQL of every model, the
*value path* of each money column of a mart back through CTEs, subqueries, unions, stars
and upstream models down to the raw sources, and reports every `/`, `//` of decimals, `avg()` or cast to a
floating type met on the way.

The value path is what the value is computed from: the operands of arithmetic, the
arguments of functions and aggregates, the THEN/ELSE branches of a CASE. A condition
(a CASE's WHEN, a filter, a join) decides which value is taken, not what it is, so
the columns it reads are not followed: `case when share_pct > 10 then amount end` is
exact money even though share_pct was divided.

Integer division of integers is allowed: `//` whose every column is cast to an integer
type first, as macro divide_exactly divides money (integers of its smallest unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, build_scope

MONEY_COLUMN = re.compile(r"(^|_)amount(_|$)")
FLOATING_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}


def is_money_column(name: str) -> bool:
    """A money column: `*_amount`, or `amount` followed by a qualifier (paid_amount_365)."""
    return bool(MONEY_COLUMN.search(name.lower()))


@dataclass(frozen=True)
class Finding:
    """A money column of a mart and one DOUBLE on its value path."""

    mart: str
    column: str
    model: str
    reason: str
    sql: str
    path: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.mart}.{self.column}: {self.reason} in {self.model}: {self.sql}"
            f" (path {' <- '.join(self.path)})"
        )


@dataclass
class Model:
    name: str
    root: Scope
    scopes: dict[int, Scope]  # id(SELECT expression) -> its scope


def _relation_key(schema: str | None, name: str) -> tuple[str, str]:
    return ((schema or "").lower(), name.lower())


class MoneyLineage:
    """The compiled models of a dbt project, walkable column by column.

    models: model name -> (compiled SQL, relation name as dbt renders it, e.g.
    `"cartera"."marts"."ar_aging"`). Relations that are not models (raw sources) are
    leaves of the walk."""

    def __init__(self, models: dict[str, tuple[str, str]], dialect: str = "duckdb"):
        self.models: dict[str, Model] = {}
        self.by_relation: dict[tuple[str, str], str] = {}
        for name, (sql, relation_name) in models.items():
            tree = sqlglot.parse_one(sql, read=dialect)
            root = build_scope(tree)
            if root is None:
                raise ValueError(f"model {name}: no SELECT in its compiled SQL")
            table = exp.to_table(relation_name, dialect=dialect)
            self.models[name] = Model(name, root, {id(scope.expression): scope for scope in root.traverse()})
            self.by_relation[_relation_key(table.db, table.name)] = name
        # Column references the walk could not trace to a source (it would miss a
        # DOUBLE behind them): the test asserts there are none.
        self.unresolved: set[tuple[str, str]] = set()
        self._columns_cache: dict[tuple[str, int], list[str] | None] = {}
        self._findings_cache: dict[tuple[str, int, str], list[tuple[str, str, str, tuple[str, ...]]]] = {}

    # -- what each source of a scope provides --------------------------------------

    def _output_columns(self, model: Model, scope: Scope) -> list[str] | None:
        """The column names a scope outputs, stars expanded; None when unknown (a raw
        source behind a star)."""
        key = (model.name, id(scope))
        if key in self._columns_cache:
            return self._columns_cache[key]
        self._columns_cache[key] = None  # guards against cycles
        if scope.set_operation_scopes:
            result = self._output_columns(model, scope.set_operation_scopes[0])
        else:
            result = []
            for projection in scope.expression.expressions:
                star_table = _star_table(projection)
                if star_table is None:
                    result.append(projection.alias_or_name)
                    continue
                names = [star_table] if star_table else list(scope.selected_sources)
                for source_name in names:
                    provided = self._source_columns(model, scope, source_name)
                    if provided is None:
                        result = None
                        break
                    result.extend(provided)
                if result is None:
                    break
        self._columns_cache[key] = result
        return result

    def _source_columns(self, model: Model, scope: Scope, source_name: str) -> list[str] | None:
        source = _source(scope, source_name)
        if isinstance(source, Scope):
            return self._output_columns(model, source)
        upstream = self._upstream(source)
        if upstream is None:
            return None
        return self._output_columns(upstream, upstream.root)

    def _upstream(self, source) -> Model | None:
        if not isinstance(source, exp.Table):
            return None
        name = self.by_relation.get(_relation_key(source.db, source.name))
        return self.models.get(name) if name else None

    # -- the walk -------------------------------------------------------------------

    def output_columns(self, name: str) -> list[str]:
        """The columns of model `name`, stars expanded."""
        model = self.models[name]
        columns = self._output_columns(model, model.root)
        if columns is None:
            raise ValueError(f"model {name}: a star over a source whose columns are unknown")
        return columns

    def findings(self, mart: str) -> list[Finding]:
        """Every DOUBLE on the value path of each money column of `mart`, once per
        column and place."""
        model = self.models[mart]
        found = {}
        for column in self.output_columns(mart):
            if not is_money_column(column):
                continue
            for where, reason, sql, path in self._column(model, model.root, column):
                found.setdefault((column, where, sql), Finding(mart, column, where, reason, sql, path))
        return list(found.values())

    def _column(self, model: Model, scope: Scope, name: str):
        """Findings on the value path of output column `name` of `scope` (each branch of
        a UNION by position)."""
        key = (model.name, id(scope), name.lower())
        if key in self._findings_cache:
            return self._findings_cache[key]
        self._findings_cache[key] = []  # a cycle adds nothing
        if scope.set_operation_scopes:
            results = []
            columns = [column.lower() for column in self._output_columns(model, scope) or []]
            if name.lower() in columns:
                position = columns.index(name.lower())
                for branch in _set_operation_leaves(scope):
                    projections = branch.expression.expressions
                    if position < len(projections):
                        results += self._projection(model, branch, projections[position], name)
        else:
            results = self._named(model, scope, name)
        self._findings_cache[key] = results
        return results

    def _named(self, model: Model, scope: Scope, name: str):
        for projection in scope.expression.expressions:
            if _star_table(projection) is None and projection.alias_or_name.lower() == name.lower():
                return self._projection(model, scope, projection, name)
        for projection in scope.expression.expressions:
            star_table = _star_table(projection)
            if star_table is None:
                continue
            names = [star_table] if star_table else list(scope.selected_sources)
            for source_name in names:
                provided = self._source_columns(model, scope, source_name)
                if provided is not None and name.lower() in (column.lower() for column in provided):
                    return self._from_source(model, scope, source_name, name)
        return []

    def _projection(self, model: Model, scope: Scope, projection: exp.Expression, name: str):
        """Findings of one projection, each with its path from this column down."""
        step = f"{model.name}.{name}"
        return [
            (where, reason, sql, path if path[:1] == (step,) else (step,) + path)
            for where, reason, sql, path in self._value(model, scope, projection.unalias())
        ]

    def _from_source(self, model: Model, scope: Scope, source_name: str, name: str):
        source = _source(scope, source_name)
        if isinstance(source, Scope):
            return self._column(model, source, name)
        upstream = self._upstream(source)
        if upstream is None:
            return []  # a raw source: where money enters, typed by the loader
        return self._column(upstream, upstream.root, name)

    def _value(self, model: Model, scope: Scope, node: exp.Expression):
        found = []
        reason = _double_reason(node)
        if reason:
            found.append((model.name, reason, node.sql(dialect="duckdb"), ()))
        if isinstance(node, exp.Column):
            return found + self._resolve(model, scope, node)
        if isinstance(node, exp.Subquery):
            # A scalar subquery: its one projection, in its own scope.
            inner = model.scopes.get(id(node.this))
            if inner is None:
                self.unresolved.add((model.name, node.sql(dialect="duckdb")))
                return found
            for branch in _set_operation_leaves(inner):
                found += self._value(model, branch, branch.expression.expressions[0].unalias())
            return found
        for child in _value_children(node):
            found += self._value(model, scope, child)
        return found

    def _resolve(self, model: Model, scope: Scope, column: exp.Column):
        name = column.name
        table = column.table
        current: Scope | None = scope
        while current is not None:
            if table:
                if table in current.sources:
                    return self._from_source(model, current, table, name)
            else:
                for source_name in current.selected_sources:
                    provided = self._source_columns(model, current, source_name)
                    if provided is not None and name.lower() in (c.lower() for c in provided):
                        return self._from_source(model, current, source_name, name)
                if current.selected_sources and all(
                    self._source_columns(model, current, source_name) is None
                    for source_name in current.selected_sources
                ):
                    return []  # only raw sources here: a leaf
            current = current.parent
        # A projection alias used later in the same SELECT (DuckDB allows it).
        for projection in scope.expression.expressions if isinstance(scope.expression, exp.Select) else []:
            if projection.alias_or_name.lower() == name.lower() and isinstance(projection, exp.Alias):
                return self._value(model, scope, projection.unalias())
        self.unresolved.add((model.name, column.sql(dialect="duckdb")))
        return []


def _set_operation_leaves(scope: Scope):
    if scope.set_operation_scopes:
        for branch in scope.set_operation_scopes:
            yield from _set_operation_leaves(branch)
    else:
        yield scope


def _source(scope: Scope, name: str):
    return scope.sources.get(name)


def _star_table(projection: exp.Expression) -> str | None:
    """'' for `*`, the table for `t.*`, None for anything else."""
    if isinstance(projection, exp.Star):
        return ""
    if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
        return projection.table
    return None


def _double_reason(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Div):
        return "division (DuckDB divides decimals in DOUBLE)"
    if isinstance(node, exp.IntDiv) and not _of_integers(node):
        return "// of decimals (DuckDB divides them in DOUBLE)"
    if isinstance(node, exp.Avg):
        return "avg() (DuckDB averages decimals in DOUBLE)"
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.this in FLOATING_TYPES:
        return f"cast to {node.to.sql(dialect='duckdb')}"
    return None


def _of_integers(node: exp.Expression) -> bool:
    """Every column under node is cast to an integer type on its way up to node."""
    for column in node.find_all(exp.Column):
        ancestor = column.parent
        while ancestor is not None and ancestor is not node:
            if isinstance(ancestor, (exp.Cast, exp.TryCast)) and ancestor.to.is_type(*exp.DataType.INTEGER_TYPES):
                break
            ancestor = ancestor.parent
        else:
            return False
    return True


def _value_children(node: exp.Expression):
    """The sub-expressions a value is computed from (conditions and window frames left
    out)."""
    if isinstance(node, (exp.Predicate, exp.Connector, exp.Not, exp.Exists)):
        return []
    if isinstance(node, exp.Case):
        return [branch.args["true"] for branch in node.args.get("ifs") or []] + (
            [node.args["default"]] if node.args.get("default") is not None else []
        )
    if isinstance(node, exp.If):
        return [arg for arg in (node.args.get("true"), node.args.get("false")) if arg is not None]
    if isinstance(node, exp.Window):
        return [node.this]
    if isinstance(node, exp.Filter):
        return [node.this]
    if isinstance(node, exp.Nullif):
        return [node.this]
    return [child for child in node.iter_expressions() if not isinstance(child, exp.DataType)]
