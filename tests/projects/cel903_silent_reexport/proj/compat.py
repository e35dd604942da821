"""Old import paths, kept for callers that still use them."""
from proj.tasks import send_email as send_mail
from proj.tasks.email import send as deliver

__all__ = ["deliver", "send_mail"]
