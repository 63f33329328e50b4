"""Agreement between coders, reconciliation into a consensus coder, and blind mode.

The façade's methodologist service. :meth:`Agreement.report` reads the project once
(``storage/agreement_read.py``), lets ``core.agreement`` decide the units and
``qualtally.reliability`` count them (imported here, inside the method: numpy,
scikit-learn and krippendorff are not loaded with the façade), with each coder's finding
denominators from their own tally (``Analysis.tally``, the one counting rule).
:meth:`Agreement.resolve` writes one decision through ``storage/consensus.py``; the
first decision on a pair of coders in a session takes a backup copy first.
Blind mode is a project setting (``blind``), changed with a logged event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from qualtally.core.agreement import CONSENSUS, UNITS, Facts
from qualtally.core.agreement_report import AgreementReport
from qualtally.core.errors import InputError
from qualtally.core.reconcile import CHOICES, Shown, disagreements
from qualtally.project.analysis import Analysis
from qualtally.project.reads import Reads
from qualtally.storage import agreement_read, consensus, marks, queries
from qualtally.storage.store import Store


class Agreement:
    def __init__(self, engine: sa.Engine, store: Store, reads: Reads, analysis: Analysis,
                 backup: Callable[[str], object] | None = None) -> None:
        self.engine, self.store, self.reads, self.analysis = engine, store, reads, analysis
        self.backup = backup
        """Takes a backup copy (``Project.backup``) before a reconciliation's first decision."""
        self._backed_up: set[tuple[str, str]] = set()

    # -- blind mode --------------------------------------------------------------------------
    def blind(self) -> bool:
        return bool(self.reads.read(queries.setting, "blind", False))

    def set_blind(self, on: bool, actor: str) -> None:
        """Turn blind mode on or off (a ``setting.set`` event names who and when)."""
        self.store.set_setting("blind", bool(on), actor)

    def counted_coder(self, coder: str) -> str | None:
        """Whose codings ``coder`` may see counted: their own in blind mode, else everyone's."""
        return coder if self.blind() else None

    # -- nothing applies -----------------------------------------------------------------------
    def mark_nothing(self, excerpt_id: int, coder: str, marked: bool = True) -> bool:
        return marks.set_nothing(self.engine, excerpt_id, coder, marked)

    def nothing_marks(self, excerpt_ids: Sequence[int], coder: str) -> set[int]:
        wanted = set(excerpt_ids)
        return {e for e, _ in self.reads.reviewed(coder) if e in wanted}

    # -- agreement -------------------------------------------------------------------------------
    def facts(self) -> Facts:
        return self.reads.read(agreement_read.read_facts)

    def coders(self, facts: Facts | None = None) -> list[str]:
        """The coders compared by default: everyone who coded, except the consensus."""
        return [c for c in (facts or self.facts()).coders() if c != CONSENSUS]

    def _checked(self, facts: Facts, coders: Sequence[str] | None, unit: str) -> list[str]:
        if unit not in UNITS:
            raise InputError(unit, f"unit must be one of {', '.join(UNITS)}")
        known = facts.coders()
        chosen = list(dict.fromkeys(coders)) if coders else self.coders(facts)
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise InputError(", ".join(unknown),
                             f"no such coder (coders: {', '.join(known) or 'none'})")
        if len(chosen) < 2:
            raise InputError(", ".join(chosen) or "coders",
                             "agreement needs at least two coders who coded this project")
        return chosen

    def report(self, coders: Sequence[str] | None = None, unit: str = "excerpt") -> AgreementReport:
        from qualtally.core.quantifiers import DEFAULT_SCALE
        from qualtally.reliability.report import build_report

        facts = self.facts()
        chosen = self._checked(facts, coders, unit)
        bases = {c: {f.key: f.base for f in self.analysis.tally(coder=c).findings} for c in chosen}
        return build_report(facts, chosen, unit, self.reads.findings(),
                            self.reads.scale() or DEFAULT_SCALE, bases)

    def disagreements(self, code_path: str, a: str, b: str, unit: str = "excerpt") -> list[Shown]:
        facts = self.facts()
        self._checked(facts, [a, b], unit)
        code = self.reads.code_by_path(code_path)
        if code is None or code.id is None:
            raise InputError(code_path, "no such code")
        found = disagreements(facts, a, b, unit, code.id)
        excerpts = {e.id: e for e in self.reads.excerpts()}
        names = self.reads.read(agreement_read.document_names)
        paths = {c.id: c.path for c in facts.codes}
        made = self.reads.read(consensus.decisions, a, b)
        out = []
        for d in found:
            shown = [excerpts[i] for i in d.shown if i in excerpts]
            docs = sorted({names[e.document_id] for e in shown})
            who = shown[0].respondent_key if shown else None
            out.append(Shown(d, f"{who or '—'} · {', '.join(docs)}", tuple(e.text for e in shown),
                             (tuple(paths[c] for c in d.codes[0]),
                              tuple(paths[c] for c in d.codes[1])),
                             made.get((d.kind, d.key, d.code_id))))
        return out

    def resolve(self, a: str, b: str, kind: str, key: object, code_id: int, choice: str,
                actor: str) -> None:
        """Resolve a disagreement into the ``consensus`` coder (undoable, logged)."""
        if choice not in CHOICES:
            raise InputError(choice, f"choice must be one of {', '.join(CHOICES)}")
        pair = (min(a, b), max(a, b))
        if self.backup is not None and pair not in self._backed_up:  # once per pair and session
            self.backup("before-reconciliation")
            self._backed_up.add(pair)
        consensus.resolve(self.engine, a, b, kind, key, code_id, choice, actor)
