"""The Textual coding interface; nothing outside ``qualtally.tui`` imports it."""
