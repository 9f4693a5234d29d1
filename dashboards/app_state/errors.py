"""What the store refuses, with a stable `code` the pages translate (i18n) and an English
message for the CLI and logs."""


class AppStateError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class PermissionDenied(AppStateError):
    """The acting user's role (read from the store, never from the caller) may not do this."""


class InvalidInput(AppStateError):
    """A value the store does not accept: unknown role, empty reason, bad limit…"""
