from proj.tasks.email import send, send as send_email

__all__ = ["send", "send_email"]
