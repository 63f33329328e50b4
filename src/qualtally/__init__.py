"""qualtally: keyboard-first qualitative coding with an auditable respondent tally."""

__version__ = "0.1.0"
