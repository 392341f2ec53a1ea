"""Trygg's statistics core: plain functions over numpy arrays, no Django.

Modules: :mod:`grid` (binning), :mod:`hotspots` (Getis–Ord Gi*, FDR), :mod:`kde`, :mod:`concentration`,
:mod:`temporal` (time-of-week, trend tests), :mod:`emerging` (emerging hotspots), :mod:`nearrepeat`
(Knox test), :mod:`harm` (harm weights), :mod:`rates` (rates with exact intervals),
:mod:`evaluation` (measure effect evaluation).
"""
