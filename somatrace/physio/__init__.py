"""Physiology: HRV recordings, importers, signal processing."""
