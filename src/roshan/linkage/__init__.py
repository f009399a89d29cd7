"""Persian-aware text and date handling, and (later) record linkage. Pure: never imports Django."""
