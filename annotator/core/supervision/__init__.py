"""The supervisor's work: bringing coders' work together and settling a consensus.

`merge` and `merge_source` (other coders' project files into one), `adjudication`
(disagreements, consensus codes, accept all unanimous), `passphrase` (the supervisor
passphrase of a file project), `landing` (recognising the supervisor, so a window opens
in the review). May import everything below it in the core; not `team`,
not Qt, not the command line.
"""

ENVIRONMENT = "ANNOTATOR_SUPERVISOR_PASSPHRASE"
"""Where scripts, the command line and the window take the supervisor passphrase from
(kept here, importing nothing, so the window can read it before the database layer loads)."""
