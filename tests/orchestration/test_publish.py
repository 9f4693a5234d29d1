"""Publishing swaps in a checked copy atomically; readers never see a half-built file."""

from decimal import Decimal

import duckdb
import pytest

from orchestration.publish import publish


def build(path, open_balance: str) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.execute(
            "create or replace table marts.ar_aging as select 'C1' as client_id, cast(? as decimal(18, 2)) as open_balance_amount",
            [open_balance],
        )


def read_balance(conn) -> Decimal:
    return conn.execute("select open_balance_amount from marts.ar_aging").fetchall()[0][0]


def test_publish_checkpoints_copies_and_renames(tmp_path):
    build_db = tmp_path / "build" / "cartera.duckdb"
    build_db.parent.mkdir()
    build(build_db, "100.00")

    published = publish(build_db, tmp_path / "cartera.duckdb")

    assert published == tmp_path / "cartera.duckdb"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "cartera.duckdb"]
    assert not build_db.with_name("cartera.duckdb.wal").exists()
    with duckdb.connect(str(published), read_only=True) as conn:
        assert read_balance(conn) == Decimal("100.00")


def test_open_reader_keeps_its_snapshot_and_new_readers_see_the_new_copy(tmp_path):
    build_db = tmp_path / "build" / "cartera.duckdb"
    build_db.parent.mkdir()
    published = tmp_path / "cartera.duckdb"
    build(build_db, "100.00")
    publish(build_db, published)
    reader = duckdb.connect(str(published), read_only=True)
    inode_before = published.stat().st_ino

    build(build_db, "250.50")
    publish(build_db, published)

    assert published.stat().st_ino != inode_before
    assert read_balance(reader) == Decimal("100.00")
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert read_balance(fresh) == Decimal("250.50")


def test_a_copy_without_the_marts_is_not_published(tmp_path):
    build_db = tmp_path / "build" / "cartera.duckdb"
    build_db.parent.mkdir()
    published = tmp_path / "cartera.duckdb"
    build(build_db, "100.00")
    publish(build_db, published)
    with duckdb.connect(str(build_db)) as conn:
        conn.execute("drop table marts.ar_aging")

    with pytest.raises(duckdb.CatalogException):
        publish(build_db, published)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "cartera.duckdb"]
    with duckdb.connect(str(published), read_only=True) as conn:
        assert read_balance(conn) == Decimal("100.00")


def test_the_published_copy_stays_within_twice_its_data_and_keeps_views_and_macros(tmp_path):
    """Ten rebuilds of a 200,000-row table leave the build file with the old table's free
    blocks (at most half of it here): it is copied as it is, so the published file is
    never more than twice the first, fresh one. The view and the table macro still name
    the catalog `cartera` and answer on the published file."""
    build_db = tmp_path / "build" / "cartera.duckdb"
    build_db.parent.mkdir()
    published = tmp_path / "cartera.duckdb"
    sizes = []
    for _ in range(10):
        with duckdb.connect(str(build_db)) as conn:
            conn.execute("create schema if not exists marts")
            conn.execute(
                "create or replace table marts.ar_aging as select 'C' || i as client_id, "
                "cast(i as decimal(18, 2)) as open_balance_amount from range(200000) t(i)"
            )
            conn.execute("create or replace view marts.open_total as select sum(open_balance_amount) as total from cartera.marts.ar_aging")
            conn.execute("create or replace macro marts.balance_of(c) as table select open_balance_amount from cartera.marts.ar_aging where client_id = c")
        publish(build_db, published)
        sizes.append(published.stat().st_size)

    assert max(sizes) <= 2 * sizes[0]
    with duckdb.connect(str(published), read_only=True) as conn:
        # 0 + 1 + ... + 199,999 = 199,999 x 200,000 / 2 = 19,999,900,000
        assert conn.execute("select total from marts.open_total").fetchall() == [(Decimal("19999900000.00"),)]
        assert conn.execute("select * from marts.balance_of('C7')").fetchall() == [(Decimal("7.00"),)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "cartera.duckdb"]


def test_a_build_file_mostly_free_blocks_is_published_compacted(tmp_path):
    """A 2,000,000-row table dropped before the 1,000-row marts.ar_aging written after it
    leaves the build file mostly free blocks (DuckDB cannot cut them off its end): the
    published copy is rewritten object by object and holds only the data, less than a
    quarter of the build file, and still answers (0 + ... + 999 = 999 x 1,000 / 2 = 499,500)."""
    build_db = tmp_path / "build" / "cartera.duckdb"
    build_db.parent.mkdir()
    with duckdb.connect(str(build_db)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.scratch as select i, 'text ' || i as label from range(2000000) t(i)")
        conn.execute("checkpoint")
        conn.execute(
            "create table marts.ar_aging as select 'C' || i as client_id, "
            "cast(i as decimal(18, 2)) as open_balance_amount from range(1000) t(i)"
        )
        conn.execute("checkpoint")
        conn.execute("drop table marts.scratch")

    published = publish(build_db, tmp_path / "cartera.duckdb")

    assert published.stat().st_size * 4 < build_db.stat().st_size
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("select sum(open_balance_amount) from marts.ar_aging").fetchall() == [(Decimal("499500.00"),)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "cartera.duckdb"]
