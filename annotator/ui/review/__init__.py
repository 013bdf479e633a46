"""The supervisor's review: agreement dashboard, disagreement list and adjudication.

A window of its own, opened from the coding window (View > Supervisor review), so
the coder's window never shows another coder's codes. Everything here reads and
writes through `annotator.core.review` and `annotator.core.agreement`.
"""
