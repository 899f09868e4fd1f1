"""fincorpus.corpus."""
