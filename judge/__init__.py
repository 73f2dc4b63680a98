"""The judge: runs candidate code in a sandbox under limits and returns verdicts.

It never imports ``server``; see ARCHITECTURE.md and issue 3.
"""
