"""PLACEHOLDER: being written."""
from fincorpus.scrapers.html import HtmlDocument


class GenericExtractor:
    name = "generic"
    version = "0"

    def matches(self, doc: HtmlDocument) -> bool:
        return "generic" == "generic"

    def extract(self, doc: HtmlDocument):
        raise NotImplementedError
