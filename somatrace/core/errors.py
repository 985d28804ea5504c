"""What a service raises when the rules refuse a change (role refusals use Django's
PermissionDenied)."""


class RuleError(Exception):
    """A change the record's rules do not allow. The message is written for the person who
    asked, and doors show it as it is (a form error, a 409 with the message, a CLI error)."""
