"""Finding things across the project: retrieval, keyword in context, code frequencies
(one dialog, `find_dialog`, with a tab each) and the coding window's unit navigation
(go to a unit number, first and last unit, next unit with a note or low confidence).

The queries are the core's (`core.coding.retrieval`, `keyword_search`, `frequencies`);
this package only shows their results and opens the unit a coder picks.
"""
