"""Batch processing: many answer files and form-tool exports -> many reports."""
