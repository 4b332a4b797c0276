"""Helpers for training: gradient clipping."""
