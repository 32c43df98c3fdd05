"""CSS and script of the HTML report, read with importlib.resources and inlined."""
