"""Reusable worked examples (the code behind the lessons)."""
