"""``python -m qualtally`` runs the same CLI as the console script."""

from qualtally.cli import main

raise SystemExit(main())
