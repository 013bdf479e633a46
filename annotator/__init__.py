"""annotator: source-reliability coding of news, sentence by sentence."""

__version__ = "0.1.0"
