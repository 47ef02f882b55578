"""The API reads JSON only (any other body is a 415), and never lets a body crash it."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSON, where a body nested too deeply to read ("[[[[…" a thousand times) is a 400 like any
    other unreadable body, not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
