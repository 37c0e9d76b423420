"""Geometry and assignment: street network, zones, appointments, metrics."""
