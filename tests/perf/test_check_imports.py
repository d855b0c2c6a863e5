"""`plxc check` stays light: it must not import the libraries only other commands need.

Imports only, never times: speed is measured by `make bench` (benchmarks/cli.py), not by the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HEAVY = ("networkx", "jinja2", "pydantic", "rich")

# Runs the real CLI entry point in a fresh interpreter, then lists every module it imported.
_PROBE = """
import json, sys
from parallax_dsl.cli.main import main
sys.argv = ["plxc", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
finally:
    sys.stdout.flush()
    sys.stderr.write("\\nMODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("MODULES=")]
    assert marker, done.stderr
    return {name.split(".")[0] for name in json.loads(marker[-1].removeprefix("MODULES="))}


def test_check_of_a_clean_file_does_not_import_heavy_libraries() -> None:
    imported = _modules_imported_by("check", "examples/consensus_review.plx")
    assert "parallax_dsl" in imported and "lark" in imported
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_check_with_findings_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    broken = tmp_path / "broken.plx"
    broken.write_text("pattern Broken {\n  let unused = 1\n  output undefined_name\n}\n", encoding="utf-8")
    imported = _modules_imported_by("check", str(broken))
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
