"""One quarter's run: parameters, notebook execution with papermill, HTML pages, publishing,
manifest."""
