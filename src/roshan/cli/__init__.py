"""The ``roshan`` command: thin verbs over the packages."""
