"""The façade package: :class:`Project`, the only way the CLI, the TUI and the exports
touch a project.

``facade.py`` holds :class:`Project`, which composes the services of the modules beside
it (reads, coding, analysis, suggestions, the suggestion cache, embeddings); see its
docstring. Importing this package loads SQLAlchemy but neither numpy nor the nlp layer.
"""

from qualtally.project.coding import Progress
from qualtally.project.facade import Project

__all__ = ["Progress", "Project"]
