# ruff: noqa: E501
"""Writes project-v0004.annotator: a project as the release before codebook format 2 made
it (schema 0004, commit 6a91a66), through that release's own command line.

Run with that release checked out at /tmp/rel:
  git worktree add --detach /tmp/rel 6a91a66
  PYTHONPATH=/tmp/rel .venv/bin/python tests/data/projects/make_v0004.py tests/data/projects/project-v0004.annotator
"""

import os
import subprocess
import sys
from pathlib import Path

target = Path(sys.argv[1])
target.unlink(missing_ok=True)
env = dict(os.environ, PYTHONPATH="/tmp/rel")


def run(*args):
    subprocess.run([sys.executable, "-m", "annotator", *args], check=True, env=env, cwd="/tmp/rel")


run("new", str(target))
run("import", str(target), "tests/data/harbor-deal.txt", "tests/data/border-talks.txt")
run("units", str(target), "--article", "harbor-deal")
for coder, codes in (
    ("alice", ["attribution=anonymous_vague", "claim_type=fact", "confidence=high"]),
    ("bob", ["attribution=unattributed", "claim_type=fact", "confidence=medium"]),
):
    run("code", str(target), "harbor-deal#2", *codes, "--coder", coder)
    run("code", str(target), "harbor-deal#3", "attribution=named_person", "--coder", coder)
run(
    "code",
    str(target),
    "harbor-deal#9",
    "attribution=anonymous_vague",
    "--coder",
    "alice",
    "--note",
    "Sources: which ones?",
)
run("info", str(target))
