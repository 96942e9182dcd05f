"""The practice's figures: sessions, clients, attendance, referrals, where sessions happen."""
