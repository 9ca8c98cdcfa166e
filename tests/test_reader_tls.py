"""The reader trusts the same certificate authorities as the search clients: SSL_CERT_FILE /
SSL_CERT_DIR from the environment, or VERACITY_CA_BUNDLE (a company CA, a TLS-inspecting proxy)."""

from __future__ import annotations

from pathlib import Path

import certifi
import pytest

from veracity.reader.fetch import reader_ssl_context


def _one_ca(tmp_path: Path) -> Path:
    pem = Path(certifi.where()).read_text(encoding="ascii")
    end = "-----END CERTIFICATE-----"
    first = pem[pem.index("-----BEGIN CERTIFICATE-----") : pem.index(end) + len(end)]
    path = tmp_path / "company-ca.pem"
    path.write_text(first + "\n", encoding="ascii")
    return path


def test_ssl_cert_file_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERACITY_CA_BUNDLE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(_one_ca(tmp_path)))
    assert len(reader_ssl_context().get_ca_certs()) == 1


def test_veracity_ca_bundle_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_CA_BUNDLE", str(_one_ca(tmp_path)))
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert len(reader_ssl_context().get_ca_certs()) == 1


def test_default_is_the_full_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VERACITY_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert len(reader_ssl_context().get_ca_certs()) > 50
