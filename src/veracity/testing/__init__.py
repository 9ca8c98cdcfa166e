"""Test doubles shipped with the package, for the test suite, the bench and demos.

* :mod:`veracity.testing.llm_server` — :class:`~veracity.testing.llm_server.ScriptedLLMServer`,
  an OpenAI-compatible chat server on 127.0.0.1 that answers from a script;
* :mod:`veracity.testing.scripted_model` — a deterministic responder to plug into it, and
  :func:`~veracity.testing.scripted_model.scripted_llm`, the same answers in process (over
  :class:`~veracity.llm.fake.FakeChat`) for tests where the HTTP path is not what is tested.

Nothing here imports pytest.
"""
