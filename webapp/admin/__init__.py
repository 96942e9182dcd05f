"""Administration: users, roles and devices of the clinic."""
