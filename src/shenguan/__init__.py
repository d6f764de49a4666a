"""Shenguan (审管联动平台): the approval–supervision linkage platform."""

__version__ = "0.1.0"
