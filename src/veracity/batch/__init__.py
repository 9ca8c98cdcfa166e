"""Batch mode: check a folder of documents (or a JSONL file of them) into an output folder.

* :mod:`veracity.batch.inputs` — which documents a batch holds and what their files are called;
* :mod:`veracity.batch.runner` — the bookkeeping (jobs, outputs, ``summary.json`` and
  ``summary.csv``) and the runner in one process (:func:`run_local`);
* :mod:`veracity.batch.triage` — one row per document (status, verdict counts, worst verdict),
  problems first;
* :mod:`veracity.batch.ray_runner` — the same batch spread over a Ray cluster (:func:`run_ray`);
* :mod:`veracity.batch.cli` — the ``veracity batch`` command.

Nothing is imported here, so ``import veracity.batch`` stays cheap and never touches Ray.
"""
