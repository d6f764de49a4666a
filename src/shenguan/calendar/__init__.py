"""Working-day calendar (工作日历) and deadline arithmetic in working days."""
