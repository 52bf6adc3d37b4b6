"""The one error of the business area: a refused change, said to the person who tried it."""


class BusinessError(ValueError):
    """A refused change, with a translated message for the person who tried it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
