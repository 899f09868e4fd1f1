"""PLACEHOLDER: being written."""
from fincorpus.scrapers.html import HtmlDocument


class NetEaseExtractor:
    name = "netease"
    version = "0"

    def matches(self, doc: HtmlDocument) -> bool:
        return "netease" == "generic"

    def extract(self, doc: HtmlDocument):
        raise NotImplementedError
