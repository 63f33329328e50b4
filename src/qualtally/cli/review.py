"""``qualtally import --review``: the speaker review screen, then the import it decided.

The import is read once without writing (``Project.speaker_review``); when every label
matches a listed respondent (or no list exists) it goes straight on. Otherwise the review
screen (``tui/screens/speaker_review.py``) runs in a small Textual app, and the import
runs with its decisions after it closes, in the terminal, with the usual summary.
Escape leaves without importing (exit 1, nothing changed).
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


def review_then_import(args, decisions) -> int:
    from qualtally.cli import project_cmds
    from qualtally.core.speakers import SpeakerDecisions
    from qualtally.project import Project

    with Project.open(args.project) as project:
        labels, names = project.speaker_review(args.files, decisions, args.as_role)
    if labels and not decisions.create:
        chosen = review_app(labels, names).run()
        if chosen is None:
            print("import left without importing; nothing changed")
            return 1
        decisions = SpeakerDecisions({**decisions.mapping, **chosen.mapping},
                                     decisions.interviewers | chosen.interviewers,
                                     chosen.create)
    args.review = False
    args.map = [f"{label}={key}" for label, key in decisions.mapping.items()]
    args.interviewer = sorted(decisions.interviewers)
    args.create_respondents = decisions.create
    return project_cmds.cmd_import(args)
