"""The one error of the business area: a refused change, said to the person who tried it."""


class BusinessError(ValueError):
    """A refused change, with a translated message for the person who tried it."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field it is about, when there is one
