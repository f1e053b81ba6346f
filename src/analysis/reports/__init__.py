"""The numbers, words and charts of each report notebook, from one shared review context."""
