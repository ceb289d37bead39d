"""Errors raised by the SDK. Every error carries one readable line: the node's message when the node
refused a request, or what was wrong with the input."""


class ColonyError(Exception):
    """A request failed. ``status`` is the HTTP status (0: no answer), ``field`` the input field at fault."""

    def __init__(self, message, status=0, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


class BadRequestError(ColonyError):
    """400: the node refused the input."""


class UnauthorizedError(ColonyError):
    """401: missing or bad signature, stale timestamp, replayed nonce."""


class AccessDeniedError(ColonyError):
    """403: not a member, or the role may not do this."""


class NotFoundError(ColonyError):
    """404: no such process, workflow, cron, generator or route."""


class ConflictError(ColonyError):
    """409: the record does not fit the process state (e.g. another executor won the claim)."""


class SpecError(ColonyError):
    """A function spec is malformed; ``field`` names the field."""

    def __init__(self, field, rule):
        super().__init__("%s: %s" % (field, rule), 0, field)


class ConnectError(ColonyError):
    """The node could not be reached, or its TLS certificate is not the pinned one."""


_BY_STATUS = {400: BadRequestError, 401: UnauthorizedError, 403: AccessDeniedError, 404: NotFoundError,
              409: ConflictError}


def for_status(status, message, field=None):
    """The error class of an HTTP status."""
    return _BY_STATUS.get(status, ColonyError)(message, status, field)
