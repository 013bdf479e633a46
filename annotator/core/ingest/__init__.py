"""Files into articles and units: the import pipeline, in the order the text flows.

`decode` (bytes to text), `formats` (Markdown, HTML, .docx to blocks), `documents` (the
block structure they share), `segmentation` (blocks to sentence units with exact
offsets), `readers` (a file or a CSV batch to parsed articles), `into_project` (storing
them, with duplicates skipped), `corrections` (split and merge units before coding).
May import `store` and the foundation; not `coding` or anything above it.
"""
