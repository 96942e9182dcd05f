"""Accounts: clinics, users and their roles, sign-in and sign-out."""
