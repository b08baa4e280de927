"""The scale benchmark of tiegraph (``python -m bench``; see bench/run.py and docs/scale.md)."""
