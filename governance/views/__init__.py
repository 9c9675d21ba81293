"""Governance screens, one module per register group; every write is a POST that
calls one service."""
