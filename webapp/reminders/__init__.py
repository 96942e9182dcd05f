"""Reminders by Web Push: subscriptions, planning what is due, delivery."""
