"""The service's one calendar: which days officers work, for service levels, payment
dates, appointment slots and the face step's video calls."""
