"""``qualtally import --review``: the speaker review screen, then the import it decided.

The import is read once without writing (``Project.speaker_review``); when every label
matches a listed respondent (or no list exists) it goes straight on. Otherwise the review
screen (``tui/screens/speaker_review.py``) runs in a small Textual app, and the import
runs with its decisions after it closes (``cli/project_cmds.py``), in the terminal, with
the usual summary. Escape leaves without importing (exit 1, nothing changed).
"""

from __future__ import annotations


def review_app(labels, names):
    """A Textual app showing only the review screen; its return value is the decisions."""
    from textual.app import App

    from qualtally.tui.screens.speaker_review import SpeakerReviewScreen

    class ReviewApp(App):
        TITLE = "qualtally: speaker review"

        def on_mount(self) -> None:
            self.push_screen(SpeakerReviewScreen(labels, names), callback=self.exit)

    return ReviewApp()


def review_decisions(args, decisions):
    """The decisions to import with: ``decisions`` plus the screen's, or None if the screen
    was left with Escape (nothing imported)."""
    from qualtally.core.speakers import SpeakerDecisions
    from qualtally.project import Project

    with Project.open(args.project) as project:
        labels, names = project.speaker_review(args.files, decisions, args.as_role)
    if not labels or decisions.create:
        return decisions
    chosen = review_app(labels, names).run()
    if chosen is None:
        return None
    return SpeakerDecisions({**decisions.mapping, **chosen.mapping},
                            decisions.interviewers | chosen.interviewers, chosen.create)
