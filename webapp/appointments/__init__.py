"""Appointments: booking, moving and cancelling sessions; day and week views; follow-ups."""
