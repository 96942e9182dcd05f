"""Offline sync: the change log, devices, and (later) the push and pull API."""
