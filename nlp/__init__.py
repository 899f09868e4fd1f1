"""fincorpus.nlp."""
