"""The practitioner's installable offline app: its shell page, manifest and service worker."""
