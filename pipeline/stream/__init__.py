"""The worker: the Faust app whose agents wire the pure core to the topics (:func:`create_app`), the
services they share, the web server, the regions/rules catalog follower, the NLP off the event loop
(a thread or a child process), counters and Prometheus metrics, and worker processes.

Names whose module needs Faust or spaCy are imported on first use.
"""

from ..core import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "_topology": ("create_app",),
    "_services": ("Services",),
    "_catalog": ("add_catalog_views", "follow_catalog"),
    "_nlp_runner": ("NLP_NICENESS", "NlpProcessDied", "NlpRunner", "ProcessRunner", "ThreadRunner", "make_runner"),
    "_metrics": ("Histogram", "render_metrics"),
    "_stats": ("Stats",),
    "_workers": ("WorkerDied", "spawn_worker", "wait_ready"),
    "_web": ("ack_details", "add_ack", "add_alert_views", "add_web"),
    "_places": ("largest_places",),
})
