"""The `assess` command line: commands, console output, the analyst shell and the background
Prefect server. The pipeline itself is flows/; this package only calls it."""

import flows  # noqa: F401  (Prefect's offline settings, set before Prefect is imported)
