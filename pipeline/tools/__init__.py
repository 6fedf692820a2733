"""Tools around the pipeline, not on its data path: the benchmarks (``wirewatch bench``), the soak test
that kills workers and reconciles the topics (``wirewatch chaos``), the NLP-free soak of the tables
(``python -m pipeline.tools._soak``), a probe of how a broker's fetch cost grows with a partition
(``python -m pipeline.tools._fetchcost``), synthetic wire stories for the first two,
and the build-time vendoring of the map's front-end files and the gazetteer's country points
(``python pipeline/tools/_vendor.py``, stdlib only; or ``python -m pipeline.tools._vendor``).

Every name is imported on first use: the gazetteer reads the vendoring manifest's pin and path
without importing the benchmarks.
"""

from ..core import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "_vendor": ("COUNTRY_POINTS", "PACKAGES", "VENDOR_DIR", "pinned", "vendor"),
    "_storygen": ("SyntheticStory", "generate_stories"),
    "_bench": ("ComponentTimes", "time_components", "time_matching", "time_resolution"),
    "_loadbench": ("BenchOptions", "BenchStory", "run_bench"),
    "_chaos": ("ChaosRun", "Reconciliation", "soak"),
})
