"""Every stdlib pattern against its table of cases, through the real CLI path (`plxc run stdlib:<Name> --input …
--replay … --format json`), with exact JSON and float equality. With PLX_UPSTREAM_ORACLE set, the same tables are
also checked against the upstream modules themselves (see harness.oracle)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest
import stdlib_tables
from stdlib_harness import ABSENT, ORACLE, UNSET, Case, at, cassette, check_case, json_equal, oracle

TABLES: list[ModuleType] = [
    importlib.import_module(f"stdlib_tables.{m.name}")
    for m in pkgutil.iter_modules(stdlib_tables.__path__)
    if not m.name.startswith("_")
]
CASES = [(t, c) for t in TABLES for c in t.CASES]


@pytest.mark.parametrize(("table", "case"), CASES, ids=[f"{t.NAME}: {c.id}" for t, c in CASES])
def test_case(table: ModuleType, case: Case, tmp_path: Path) -> None:
    check_case(table.NAME, table.CAPS, case, tmp_path)


@pytest.mark.skipif(ORACLE is None, reason="PLX_UPSTREAM_ORACLE is not set (the upstream modules are not at hand)")
def test_tables_agree_with_the_upstream_modules() -> None:
    """The expected values of the tables are what the upstream modules return on the same cassettes."""
    runs = oracle([(t.NAME, c.input, cassette(c.agents, t.CAPS)) for t, c in CASES])
    problems = []
    for (table, case), upstream in zip(CASES, runs, strict=True):
        label = f"{table.NAME}: {case.id}"
        if case.error is not None:
            if upstream.get("error") != case.error:
                problems.append(f"{label}: upstream {upstream}")
            continue
        if "error" in upstream:
            problems.append(f"{label}: upstream failed: {upstream['error']}")
            continue
        if case.confidence is not None and not json_equal(upstream["confidence"], case.confidence):
            problems.append(f"{label}: upstream confidence {upstream['confidence']!r}, table {case.confidence!r}")
        if case.value is not UNSET and not json_equal(upstream["value"], case.value):
            problems.append(f"{label}: upstream value differs: {upstream['value']}")
        for path, expected in case.fields.items():
            got = at(upstream["value"], path)
            if (expected is ABSENT) != (got is ABSENT) or (expected is not ABSENT and not json_equal(got, expected)):
                problems.append(f"{label}: upstream {path} = {got!r}, table {expected!r}")
    assert not problems, "\n".join(problems)
