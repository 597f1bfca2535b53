"""The notification service: notices to applicants, made from the other services' events."""
