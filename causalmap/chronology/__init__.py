"""Agencies' chronologies in (CSV, XLSX, JSON), checked row by row before anything is written."""

from causalmap.chronology.check import Chronology, check_chronology
from causalmap.chronology.read import read_table

__all__ = ["Chronology", "check_chronology", "read_table"]
