"""News-archive exports (Nexis Uni, LexisNexis Academic, Factiva) read into articles.

An archive export holds many documents, each with a header of fields around its text.
Each reader here recognises its format from the content and cuts the file into
`ArchiveDocument`s; `record` turns those into ParsedArticles (the fields into the
article's columns and metadata, the export's furniture out of the coded text) and counts
them against the number the archive itself states. May import the rest of `ingest`
below `readers`, which dispatches to it.
"""
