"""PLACEHOLDER: being written."""


class TextCopyExtractor:
    name = "textcopy"
    version = "0"

    def extract(self, text: str, url: str | None = None):
        raise NotImplementedError
