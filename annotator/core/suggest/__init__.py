"""Machine suggestions: attribution cues found in each sentence, and the codes they suggest.

`cues.find_cues` finds the reporting verbs and phrases of an article's sentences and
their sources; `suggester` turns them into a code of each codebook field the rule set
covers, with a confidence; `as_coder` stores the suggestions as the codes of the
reserved coder `suggester` through the coding service. Rules and lexicons are data
files in `data/`. No Qt, no download, no model: rules and word lists written here.

May import the codebook, store, coding (the one write path, for the machine's codes)
and agreement (to score itself against a gold standard); must not import supervision,
team, demo, Qt, the GUI or the command line.
"""
