"""The bounds of what an import reads, in a module of their own so that readers of other
files (import-codes sizes its cells by them) need not load the parsers to know them."""

MAX_FILE_BYTES = 20_000_000  # one imported file, or standard input
