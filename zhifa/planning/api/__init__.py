"""The planning API: annual plans, draws and tasks under /api/v1/."""
