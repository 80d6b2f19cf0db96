"""The generator's SQL files: every placeholder supplied and used, every salt named in the registry.

The sandbox's statements live in ``sandbox/genie_sandbox/sql/<step>/*.sql`` (templates.py); their
random draws name their salts (salts.py). These tests read the files as text, plus one tiny
sandbox whose per-table checksums are pinned (a regression pin of the simulator's output, see
``test_tiny_sandbox_checksums_are_pinned``).
"""

from __future__ import annotations

import collections
import re

import duckdb

from genie_sandbox import generate as gen
from genie_sandbox import salts, templates
from genie_sandbox.gen_common import GenConfig

CFG = GenConfig()
ALL_FILES = [f for step in templates.STEPS for f in templates.statement_files(step)]
FRAGMENT_FILES = [templates.SQL_DIR / "fragments" / f"{n}.sql" for n in templates.FRAGMENTS]

# A draw macro or a direct hash whose purpose argument is a number, not a named salt.
RAW_SALT = re.compile(
    r"\b(?:u01|nrm|lognorm|hex16|hex32|uuidish|num16)\(\s*\d"  # draw(<number>, key)
    r"|hash\(\s*(?:hash\(\s*)?\{seed\}\s*,\s*(?:k\s*,\s*i\s*,\s*)?\d"  # hash({seed}, <number>, ...)
    r"|\bu01\(\s*k\s*\+\s*\d"  # nrm's second uniform: u01(salt + <number>, key)
)


def test_every_step_has_statements_and_no_stray_files():
    on_disk = {p.name for p in templates.SQL_DIR.iterdir() if p.is_dir()}
    assert on_disk == set(templates.STEPS) | {"fragments"}
    for step in templates.STEPS:
        names = [f.name for f in templates.statement_files(step)]
        assert names, step
        # files run in name order: a two-digit prefix makes that order visible and total
        assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.sql", n) for n in names), names
        assert len({n[:2] for n in names}) == len(names), f"two files share an order in {step}"
    assert {f.name for f in (templates.SQL_DIR / "fragments").iterdir()} == {
        f"{n}.sql" for n in templates.FRAGMENTS
    }


def test_every_placeholder_is_supplied_and_every_parameter_is_used():
    params = templates.template_params(CFG)
    used: set[str] = set()
    for f in ALL_FILES + FRAGMENT_FILES:
        fields = templates.placeholders(f.read_text())
        missing = fields - params.keys()
        assert not missing, f"{f.name} names {sorted(missing)}, which nothing supplies"
        used |= fields
    assert params.keys() - used == set(), "parameters no SQL file names"


def test_rendering_leaves_no_placeholder_behind():
    for step, statements in templates.rendered_steps(CFG):
        for name, sql in statements:
            assert not re.search(r"\{[a-z_]+\}", sql), f"{step}/{name} kept a placeholder"


def test_no_raw_numeric_salt_in_the_sql():
    for f in ALL_FILES + FRAGMENT_FILES:
        text = f.read_text()
        hits = [m.group(0) for m in RAW_SALT.finditer(text)]
        assert not hits, f"{f.name} draws with a numeric salt: {hits} (name it in salts.py)"


def test_the_raw_salt_check_sees_a_numeric_salt():
    """The check above is not vacuous: each spelling of a numbered draw is caught."""
    for text in (
        "u01(409, r.qid)",
        "lognorm(422, s.qid, 1, 2)",
        "uuidish(500, q.qid)",
        "hash({seed}, 531, rkey)",
        "hash(hash({seed}, 470, q.ws_idx, wgt))",
        "hash({seed}, k, i, 11)",
        "u01(k + 7919, i)",
    ):
        assert RAW_SALT.search(text), text
    assert not RAW_SALT.search("u01({salt_bulk_query_status}, r.qid)")


def test_salt_values_are_unique_unless_marked_intended():
    by_value = collections.defaultdict(set)
    for name, value in salts.SALTS.items():
        by_value[value].add(name)
    repeats = {v: names for v, names in by_value.items() if len(names) > 1}
    assert {v: frozenset(n) for v, n in repeats.items()} == {
        v: names for v, (names, _reason) in salts.INTENDED_REPEATS.items()
    }
    assert all(reason for _names, reason in salts.INTENDED_REPEATS.values())


def test_every_salt_is_used_by_name():
    text = "".join(f.read_text() for f in ALL_FILES + FRAGMENT_FILES)
    unused = [n for n in salts.SALTS if "{salt_" + n.lower() + "}" not in text]
    assert not unused, f"salts no SQL file names: {unused}"


def test_python_modules_hold_no_generator_sql():
    """The statements are the .sql files; no module builds one as a string."""
    from pathlib import Path

    package = Path(gen.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text()
        assert not re.search(r"create or replace temp (table|macro)|insert into \w+\.\w+", text), (
            module.name
        )


# ---- regression pin of the simulator's output -------------------------------------------------
# The refactor that moved the SQL into files and named the salts changed no row (per-table md5 of
# the demo, test and a third seed's sandboxes, identical before and after). This pin keeps it so:
# a change to a SQL file or a salt that changes the data fails here. If the change is meant
# (a new column, a new planted problem), regenerate the values with the query in _checksums and
# say so in the commit; a DuckDB upgrade that changes hash() also moves them.
TINY = GenConfig(seed=3, days=2, workspaces=1, users=8, queries_per_day=300)
# computed with the generator as it was before the refactor (gen_*.py), and equal after it
PINNED: dict[str, tuple[int, str]] = {
    "access.audit": (288, "f57998e7eeead1957c3091f8526d8456"),
    "access.workspaces_latest": (1, "18881b7abe08e3558e4268ac7046e1fe"),
    "billing.list_prices": (7, "e7a50de2af96f8cebc0222d288282ce9"),
    "billing.usage": (203, "85b53e5a775244e32020e950f2439fbd"),
    "compute.clusters": (122, "f59a1cd6d5250c47608c35d88abf9e8d"),
    "compute.warehouse_events": (600, "033ce703d29b5a176abd7294cf2e1329"),
    "compute.warehouses": (7, "782b76268498f03729be5423bdd6e17a"),
    "lakeflow.job_run_timeline": (71, "cc6e247ce2cde41b35630a066b155617"),
    "lakeflow.jobs": (12, "5a9cf6f1a42b6725cd3d3ba8376a3541"),
    "query.history": (657, "9d6f3073670ee0ed62725f87f34282a9"),
    "sandbox_truth.genie_messages": (23, "e5f52f008a6911ad0855ae2393241dfe"),
    "sandbox_truth.genie_spaces": (4, "4f6fcab2121e243d9848ce1650d1dc2e"),
    "sandbox_truth.planted_problems": (247, "da60334420a56071ff06a742548b2646"),
}


def _checksums(path) -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(
                f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "
                f"from (select x::varchar as r from {s}.{t} as x)"
            ).fetchone()
            for s, t in tables
        }
    finally:
        con.close()


def test_tiny_sandbox_checksums_are_pinned(tmp_path):
    path = tmp_path / "tiny.duckdb"
    gen.generate(TINY, path)
    assert _checksums(path) == PINNED
