"""Renderers: one module per output format, reading results and computing nothing themselves."""
