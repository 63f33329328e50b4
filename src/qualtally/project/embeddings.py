"""The sentence embeddings of a project's texts, kept beside its model between sessions.

Embedding an excerpt with the numpy MiniLM costs 5-50 ms, so the vectors of the project's
texts are saved beside the model (``NAME.qtally.models/embeddings.npz``, float16, read
with ``allow_pickle=False``; its format names the embedder, so only MiniLM vectors are
read into MiniLM's cache) and a reopened project does not re-embed every excerpt. A
shipped model folder may carry the same file for its own corpus (the demo's). A model
trained with the static table re-embeds instead (milliseconds for a project).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qualtally.project.suggest_state import SuggestState

if TYPE_CHECKING:
    from qualtally.nlp.suggester import Suggester

EMBEDDINGS_FILE = "embeddings.npz"


class Embeddings:
    def __init__(
        self, state: SuggestState, model_dir: Path, saved: Callable[[], None] = lambda: None,
        ready: Callable[[], None] = lambda: None,
    ) -> None:
        self.state, self.model_dir = state, model_dir
        self.saved, self.ready = saved, ready
        """Called after the file is saved (a server project copies it into the database)."""

    @property
    def path(self) -> Path:
        return self.model_dir / EMBEDDINGS_FILE

    def load(self) -> int:
        """Fill the encoder's in-memory cache with the saved vectors of this project's texts.

        Also reads the vectors a shipped model carries for its own corpus (the demo's), so
        the first ``qualtally demo`` does not embed again the corpus it was built from (tens
        of seconds); vectors are found by a hash of the text, so only identical texts match.
        """
        from qualtally.nlp import embed, shipped

        st = self.state
        texts = [text for text, _ in st.texts.values()]
        self.ready()
        st.embeddings_saved = embed.load_cache(self.path, texts)
        from_shipped = sum(
            embed.load_cache(d / EMBEDDINGS_FILE, texts) for d in shipped.model_dirs()
        )
        return st.embeddings_saved + from_shipped

    def save(self) -> int:
        """Save the project's embedded texts beside the model when more are known than saved."""
        from qualtally.nlp import embed

        st = self.state
        if st.suggester is not None and embed.MODEL_NAME not in st.suggester.embedders():
            return 0  # the file holds MiniLM vectors only; this model embeds with another
        texts = [text for text, _ in st.texts.values()]
        known = sum(1 for t in dict.fromkeys(texts) if t in embed.cache_for(embed.MODEL_NAME))
        if known <= st.embeddings_saved:
            return 0
        try:
            self.model_dir.mkdir(parents=True, exist_ok=True)
            st.embeddings_saved = embed.save_cache(self.path, texts)
        except OSError:  # a read-only folder: embed again next time
            return 0
        self.saved()
        return st.embeddings_saved

    def embed_excerpts(self, suggester: Suggester, loaded: bool = False, progress=None) -> None:
        """Embed every excerpt once (cached by text) when the suggester uses embeddings.

        Runs in the loading worker so that a later ``suggestions()`` for an excerpt costs
        a cache look-up rather than a pass through the sentence encoder. Vectors saved
        beside the model by an earlier session are read instead of recomputed (``loaded``:
        already read), and any newly computed ones are saved for the next.
        """
        from qualtally.nlp import embed

        texts = [text for text, _ in self.state.texts.values()]
        for name in sorted(suggester.embedders()):
            if not embed.available(name):
                continue
            if name != embed.MODEL_NAME:  # the static table: computing costs less than a saved file
                embed.embed(texts, embedder=name)
                continue
            if not loaded:
                self.load()
            todo = [t for t in dict.fromkeys(texts) if t not in embed.cache_for(name)]
            for k in range(0, len(todo), 64):  # the numpy MiniLM: ~5-50 ms a text
                if progress:
                    progress("embedding excerpts", k, len(todo))
                embed.embed(todo[k : k + 64])
            if progress and todo:
                progress("embedding excerpts", len(todo), len(todo))
            self.save()
