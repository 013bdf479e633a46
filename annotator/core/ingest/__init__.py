"""Files into articles and units: the import pipeline, in the order the text flows.

`decode` (bytes to text), `plain_text` (plain text to blocks, in either layout),
`furniture` (page furniture recognised in it), `formats` (Markdown, HTML, .docx to
blocks), `documents` (the block structure they share), `segmentation` (blocks to
sentence units with exact offsets), `readers` (a file or a CSV batch to parsed
articles), `into_project` (storing them, with duplicates skipped), `corrections`
(split, merge and re-kind units before coding).
May import `store` and the foundation; not `coding` or anything above it.
"""
