"""Running a study: the reliability sample, the coders' assignments, progress per coder.

`sample_size` (how many units and articles a target alpha needs, after Krippendorff),
`draw` (a seeded, optionally stratified random sample of articles), `articles` (the
facts about articles that planning and assigning read), `settings` (the plan and the
assignment kept as JSON project settings), `plan` (figures and draw together),
`assign` (who codes which article, balanced in units), `assignment_table` (its
(article, coder) pairs as rows, for a team project's row-level security), `coder_files`
(one project file per coder holding only their articles), `assignment_progress` (how
far each coder has got with what they were assigned), `gold` (the gold standard coders
train against), `training` (training codes under `alice~training`, feedback against the gold),
`certification` (alpha against the gold per field, the confusions, pass or fail),
`recheck` (drift re-checks: earlier units back to their coder, blind, as `alice~recheck`),
`drift` (intra-coder alpha per re-check next to inter-coder alpha over the same units).

May import `suggest` (a blind study's switch), `coding`, `agreement`, `ingest`, `store`
and the foundation; sits beside `supervision` and `team` (neither imports the other), so
a coder file comes back through `supervision.merge` exactly as any other coder's file does.
"""
