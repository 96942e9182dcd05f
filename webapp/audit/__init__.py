"""The audit trail: who signed in, who viewed or changed which record."""
