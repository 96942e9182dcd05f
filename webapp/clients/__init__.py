"""Clients: registration, contact details, case history and the non-medical acknowledgement."""
