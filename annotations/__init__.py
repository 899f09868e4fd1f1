"""fincorpus.annotations."""
