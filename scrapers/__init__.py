"""fincorpus.scrapers."""
