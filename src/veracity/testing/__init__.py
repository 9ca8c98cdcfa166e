"""Test doubles shipped with the package, for the test suite, the bench and demos.

* :mod:`veracity.testing.llm_server` — :class:`~veracity.testing.llm_server.ScriptedLLMServer`,
  an OpenAI-compatible chat server on 127.0.0.1 that answers from a script. In the test suite it
  serves the one HTTP contract file of the client (``tests/test_llm_client.py``: the client on
  a real socket, the CLI against an endpoint URL) and the tests whose model caller cannot hold
  an in-process fake (another process: a subprocess, Ray workers, a browser's ``veracity
  serve``; or a call that must hang in another thread);
* :mod:`veracity.testing.scripted_model` — a deterministic responder to plug into it, and
  :func:`~veracity.testing.scripted_model.scripted_llm`, the same answers in process (over
  :class:`~veracity.llm.fake.FakeChat`): what every other test uses. Endpoint failures (a format
  rejection, a 429 with Retry-After, a timeout) are queued on the fake as
  :class:`~veracity.errors.LLMRequestError`, as :class:`~veracity.llm.openai_chat.OpenAIChat`
  raises them.

Nothing here imports pytest.
"""
